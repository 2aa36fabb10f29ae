"""Repository-level checks: the code passes the linters the project's pre-commit hooks run."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDONS = sorted(str(path.parent) for path in (ROOT / "addons").glob("*/__manifest__.py"))


def _run(*command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return result.returncode, (result.stdout + result.stderr).strip()


def test_ruff_lint_and_format():
    code, output = _run(sys.executable, "-m", "ruff", "check", "addons", "tests")
    assert code == 0, output
    code, output = _run(sys.executable, "-m", "ruff", "format", "--check", "addons", "tests")
    assert code == 0, output


def test_pylint_odoo_mandatory_checks():
    code, output = _run(
        sys.executable, "-m", "pylint", "--rcfile=.pylintrc", "--output-format=text", *ADDONS
    )
    assert code == 0, output
