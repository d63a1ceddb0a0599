"""The CLI lists the same forges the package supports, without importing the HTTP stack."""

import subprocess
import sys

from triage import commands_forge
from triage.forges import FORGES


def test_cli_forge_names_match_the_package():
    assert commands_forge.FORGES == FORGES


def test_building_the_cli_parser_does_not_import_httpx():
    code = "import sys; from triage.cli import build_parser; build_parser(); print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
