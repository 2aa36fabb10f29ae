"""Repository-level checks: the code passes the linters the project's pre-commit hooks run.

Ruff and pylint-odoo's mandatory checks (.pylintrc) fail the run. pylint-odoo's optional checks
(.pylintrc-optional) never fail it: their findings are printed at the end of pytest's output,
just before its closing line, as OCA prints its optional checks next to the blocking ones.
"""

import configparser
import json
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ADDONS = sorted(str(path.parent) for path in (ROOT / "addons").glob("*/__manifest__.py"))
MANDATORY_RC = ROOT / ".pylintrc"
OPTIONAL_RC = ROOT / ".pylintrc-optional"
# Messages about the configuration itself, e.g. a check named in an rc file that the installed
# pylint-odoo does not have (any more).
CONFIG_MESSAGES = {"unknown-option-value", "useless-option-value", "bad-plugin-value"}


def _run(*command, cwd=ROOT):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    return result.returncode, result.stdout, result.stderr


def _ruff(*args, cwd=ROOT):
    code, stdout, stderr = _run(sys.executable, "-m", "ruff", *args, cwd=cwd)
    return code, (stdout + stderr).strip()


def _rc(path):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser


def _enabled(path):
    value = _rc(path)["MESSAGES CONTROL"]["enable"]
    return [name.strip() for name in value.split(",") if name.strip()]


def test_ruff_lint_and_format():
    code, output = _ruff("check", "addons", "tests")
    assert code == 0, output
    code, output = _ruff("format", "--check", "addons", "tests")
    assert code == 0, output


def test_ruff_reports_fixable_errors_instead_of_fixing_them(tmp_path):
    """With ``fix = true`` in .ruff.toml, ``ruff check`` fixed what it could and exited 0:
    this lint could never fail on an unused or unsorted import. CI must see them."""
    shutil.copy(ROOT / ".ruff.toml", tmp_path / ".ruff.toml")
    source = 'import sys\nimport os\n\nprint(os.sep, "a"    )\n'
    module = tmp_path / "fixable.py"
    module.write_text(source)

    code, output = _ruff("check", ".", cwd=tmp_path)
    assert code == 1, output
    assert "F401" in output and "I001" in output, output  # unused import, unsorted imports
    code, output = _ruff("format", "--check", ".", cwd=tmp_path)
    assert code == 1, output
    assert module.read_text() == source, "the lint changed the file instead of reporting"


def test_pylint_rc_files_agree():
    """The optional checks run on top of the mandatory ones, with the same settings."""
    mandatory, optional = _rc(MANDATORY_RC), _rc(OPTIONAL_RC)
    for section in ("MASTER", "ODOOLINT"):
        assert dict(optional[section]) == dict(mandatory[section]), section
    both = set(_enabled(MANDATORY_RC)) & set(_enabled(OPTIONAL_RC))
    assert not both, f"checks both mandatory and optional: {sorted(both)}"


@pytest.fixture(scope="module")
def pylint_messages():
    """One pylint run over every add-on with the mandatory and the optional checks (pylint
    spends its time parsing and inferring, not in the checks: one run costs as much as one)."""
    code, stdout, stderr = _run(
        sys.executable,
        "-m",
        "pylint",
        f"--rcfile={MANDATORY_RC.name}",
        "--enable=" + ",".join(_enabled(OPTIONAL_RC)),
        "--output-format=json2",
        *ADDONS,
    )
    # pylint's exit code is a bit field: 1 fatal, 32 usage error; the others say which kinds
    # of messages were emitted, optional ones included.
    if code & 33:
        return None, f"pylint could not check the add-ons (exit {code}):\n{stderr}{stdout}"
    try:
        return json.loads(stdout)["messages"], ""
    except (ValueError, KeyError):
        return None, f"unreadable pylint output (exit {code}):\n{stderr}{stdout}"


def _is_optional(message, optional):
    if message["symbol"] in optional:
        return True
    if message["symbol"] in CONFIG_MESSAGES:
        named = re.findall(r"'([\w-]+)'", message["message"])
        return bool(named) and named[-1] in optional
    return False


def _line(message):
    return "{path}:{line}: [{messageId}({symbol}), {obj}] {message}".format(**message)


def test_pylint_odoo_mandatory_checks(pylint_messages):
    messages, error = pylint_messages
    assert messages is not None, error
    optional = set(_enabled(OPTIONAL_RC))
    blocking = [m for m in messages if not _is_optional(m, optional)]
    assert not blocking, "\n".join(_line(m) for m in blocking)


class _OptionalChecksReport:
    """Prints the report in pytest's terminal summary, shown even with -q and passing tests."""

    def __init__(self, lines):
        self.lines = lines

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("pylint-odoo optional checks (a report: never fails the run)")
        for line in self.lines:
            terminalreporter.write_line(line)


def _report(findings):
    per_addon = defaultdict(Counter)
    for message in findings:
        parts = Path(message["path"]).parts
        addon = parts[1] if len(parts) > 1 and parts[0] == "addons" else message["path"]
        per_addon[addon][message["symbol"]] += 1
    lines = [
        f"{len(findings)} finding(s); rcfile {OPTIONAL_RC.name}; "
        f"run: python3 -m pylint --rcfile={OPTIONAL_RC.name} --exit-zero addons/<module>"
    ]
    for addon, counts in sorted(per_addon.items()):
        details = ", ".join(f"{symbol} {n}" for symbol, n in sorted(counts.items()))
        lines.append(f"{addon}: {sum(counts.values())} ({details})")
    lines.extend(_line(m) for m in sorted(findings, key=lambda m: (m["path"], m["line"])))
    return lines


def test_pylint_odoo_optional_checks_report(pylint_messages, pytestconfig):
    """Never fails: when pylint itself fails, test_pylint_odoo_mandatory_checks does."""
    messages, error = pylint_messages
    if messages is None:
        lines = [error.splitlines()[0] if error else "pylint did not run"]
    else:
        optional = set(_enabled(OPTIONAL_RC))
        lines = _report([m for m in messages if _is_optional(m, optional)])
    name = "pylint-odoo-optional-report"
    if not pytestconfig.pluginmanager.has_plugin(name):
        pytestconfig.pluginmanager.register(_OptionalChecksReport(lines), name)
