"""The domain core must never import textual: the CLI and the CI gate run without a UI.

(httpx itself imports rich when it is installed, so only triage's own sources
are checked for rich imports.)"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import triage


def test_importing_every_triage_module_loads_no_ui_library():
    names = sorted(
        m.name for m in pkgutil.walk_packages(triage.__path__, "triage.") if not m.name.endswith("__main__")
    )
    assert "triage.cli" in names and "triage.store" in names
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(triage.__file__).parents[1])
    assert out.stdout.strip() == "", f"triage imported UI modules: {out.stdout}"


def test_no_triage_source_file_mentions_a_textual_import():
    root = Path(triage.__file__).parent
    offenders = [
        str(p) for p in root.rglob("*.py")
        if any(line.lstrip().startswith(("import textual", "from textual", "import rich", "from rich"))
               for line in p.read_text(encoding="utf-8").splitlines())
    ]
    assert offenders == []
