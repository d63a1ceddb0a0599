"""Install as users install: build the wheel, install it (not editable) into a
fresh virtual environment outside the checkout, and run the console script there.

This catches what an editable install hides: data files missing from the wheel,
a console script pointing at the wrong module, ``python -m triage``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _copy_sources(dest: Path) -> None:
    """The files git tracks (a clean checkout's), so no local build output leaks in."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode("utf-8", "surrogateescape").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*")
                 if not p.is_dir() and not {".venv", ".git", "build"} & set(p.relative_to(ROOT).parts)]
    for name in names:
        src, dst = ROOT / name, dest / name
        if not src.exists() and not src.is_symlink():
            continue  # deleted in the work tree
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)


def _run(cmd: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict, Path]:
    """A fresh venv with triage installed from its wheel; its bin dir, env and a neutral cwd."""
    work = tmp_path_factory.mktemp("install")
    src, dist, venv, home, elsewhere = (work / n for n in ("src", "dist", "venv", "home", "elsewhere"))
    _copy_sources(src)
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRIAGE_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               TRIAGE_SAMPLING_SECRET="install-test-secret")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(src), "-w", str(dist)], work, env)
    wheels = list(dist.glob("triage-*.whl"))
    assert len(wheels) == 1, wheels
    _run([sys.executable, "-m", "venv", str(venv)], work, env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheels[0])], work, env)
    return venv / "bin", env, elsewhere


def test_the_installed_console_script_prints_its_version(installed):
    bindir, env, elsewhere = installed
    from triage import __version__

    out = _run([str(bindir / "triage"), "--version"], elsewhere, env).stdout
    assert out.strip() == f"triage {__version__}"
    out = _run([str(bindir / "python"), "-m", "triage", "--version"], elsewhere, env).stdout
    assert out.strip() == f"triage {__version__}"


def test_the_installed_demo_runs_from_another_directory(installed, tmp_path):
    bindir, env, elsewhere = installed
    out = _run([str(bindir / "triage"), "demo", "--no-tui", "--dir", str(tmp_path / "demo")], elsewhere, env).stdout
    assert "CRITICAL" in out and "drawn for a deep dive" in out
    assert f"demo database:   {tmp_path / 'demo' / 'triage-demo.db'}" in out
    # the shipped defaults came from the installed package, not from a checkout
    code = ("import triage.paths as p; print(p.data_file('rules.toml')); "
            "import tui.app, importlib.resources as r; print(r.files('tui').joinpath('app.tcss').is_file())")
    shown = _run([str(bindir / "python"), "-c", code], elsewhere, env).stdout.split()
    assert shown[0].startswith(str(bindir.parent)) and shown[0].endswith("rules.toml")
    assert shown[1] == "True"
