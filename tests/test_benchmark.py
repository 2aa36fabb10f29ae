"""Our dunning run against OCA's ``account_credit_control``, at a size CI can afford.

Runs ``tests/benchmark_dunning.py`` as a subprocess on a database of its own (``ra_bench_ci``,
created, then dropped, by the script), so it neither needs nor touches the database that
pytest-odoo loads, and works with or without that plugin. About 2.5 minutes on 2 cores, most of
it installing the modules and OCA rendering a PDF per debtor of its e-mailing sample.
The comparison runs at 300 debtors x 8 invoices; our run is measured again at 2 invoices per
debtor (same debtors, an earlier run date on which only 2 of each debtor's invoices are due).

The table goes to ``.run/benchmark.txt``, to the end of pytest's output (terminal summary, with or
without ``-s``), to the test's ``record_property`` (JUnit XML) and into any failure message.
``RUN_BENCHMARKS=0`` skips it.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCRIPT = REPO_ROOT / "tests" / "benchmark_dunning.py"
REPORT = REPO_ROOT / ".run" / "benchmark.txt"
DB_NAME = "ra_bench_ci"
DEBTORS = 300
INVOICES = 8  # the data of the comparison, and the larger size of the scaling check
FEW_INVOICES = 2
EMAIL_SAMPLE = 20  # debtors whose OCA e-mails are rendered (a PDF each), then extrapolated
TIMEOUT = 900  # seconds; normally about 150
# Queries per debtor of our run may not grow with the invoices per debtor: one query more per
# invoice would add (INVOICES - FEW_INVOICES) = 6 per debtor. What remains is the ORM inserting
# rows (reminder lines, chatter logs) 100 at a time: about 0.2 per debtor here.
MAX_QUERY_GROWTH_PER_DEBTOR = 1.0
# Our run against Odoo's own floor measured in the same benchmark: the same e-mails created as
# mail.mail in one create() (with their copy in a chatter, as issue 12 defines the floor) and
# the same log notes through _message_log_batch. Issue 12's goal is 1.5: measured 1.28 at
# 1,000 x 10 and 1.37 at this size once the e-mails are queued in batch (message_post per
# reminder was about 3x). Timings vary by up to 30% on a shared machine, hence the margin.
MAX_FLOOR_RATIO = 2.0
# Issue 12: at most five queries per debtor for the whole run (measured about 1.5).
MAX_QUERIES_PER_DEBTOR = 5.0


class _BenchmarkSummary:
    """Prints the benchmark table at the end of pytest's output, even when output is captured."""

    name = "receivable-benchmark-summary"

    def __init__(self, text):
        self.text = text

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("receivables benchmark: ours vs OCA account_credit_control")
        for line in self.text.splitlines():
            terminalreporter.write_line(line)


def _publish(request, record_property, text):
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    record_property("benchmark", text)
    manager = request.config.pluginmanager
    if manager.has_plugin(_BenchmarkSummary.name):
        manager.unregister(name=_BenchmarkSummary.name)
    manager.register(_BenchmarkSummary(text), _BenchmarkSummary.name)


def _run_benchmark(json_path):
    command = [
        sys.executable,
        str(SCRIPT),
        "--debtors",
        str(DEBTORS),
        "--invoices",
        str(INVOICES),
        "--scaling",
        f"{FEW_INVOICES},{INVOICES}",
        "--oca-email-sample",
        str(EMAIL_SAMPLE),
        "--db",
        DB_NAME,
        "--json",
        str(json_path),
    ]
    # An Odoo configuration inherited from pytest-odoo's environment must not leak in.
    env = {
        key: value for key, value in os.environ.items() if key not in ("ODOO_RC", "OPENERP_SERVER")
    }
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_dunning_run_against_oca_credit_control(request, record_property, tmp_path):
    if os.environ.get("RUN_BENCHMARKS") == "0":
        pytest.skip("RUN_BENCHMARKS=0")
    json_path = tmp_path / "benchmark.json"
    start = time.monotonic()
    completed = _run_benchmark(json_path)
    duration = time.monotonic() - start
    text = (
        completed.stdout.rstrip()
        + f"\n[benchmark] whole CI benchmark (install included): {duration:.0f} s\n"
    )
    _publish(request, record_property, text)
    if not json_path.exists():
        stderr_tail = "\n".join(completed.stderr.splitlines()[-40:])
        pytest.fail(
            f"benchmark script failed (exit {completed.returncode}):\n{text}\n{stderr_tail}",
            pytrace=False,
        )

    report = json.loads(json_path.read_text())
    results = report["results"]
    ours, planning = results["ours"], results["ours_preview"]
    generate = results["oca_generate"]
    few = results[f"ours_scaling_{FEW_INVOICES}"]
    many = results[f"ours_scaling_{INVOICES}"]
    failures = [
        f"sanity check failed: {check['check']} ({check['detail']})"
        for check in report["checks"]
        if not check["ok"]
    ]
    # Like for like: our run plans and queues the e-mails, so it is compared with OCA
    # generating and e-mailing (with its stock PDF, and with a copy of its template without
    # it); our planning is compared with OCA generating its lines.
    for variant in ("pdf", "plain"):
        total = results.get(f"oca_total_{variant}")
        if total and not ours["seconds"] < total["seconds"]:
            failures.append(
                f"our run ({ours['seconds']:.1f} s) is not faster than OCA's generation + "
                f"e-mailing, {variant} ({total['seconds']:.1f} s)"
            )
    if not planning["seconds"] < generate["seconds"]:
        failures.append(
            f"our planning ({planning['seconds']:.1f} s) is not faster than OCA's generation "
            f"of its lines ({generate['seconds']:.1f} s)"
        )
    total = results["oca_total_pdf"]
    if not ours["queries_per_debtor"] < total["queries_per_debtor"]:
        failures.append(
            f"our queries per debtor ({ours['queries_per_debtor']:.1f}) are not lower than "
            f"OCA's, generation + e-mailing ({total['queries_per_debtor']:.1f})"
        )
    floor = results.get("floor")
    if not floor:
        failures.append("the benchmark did not measure Odoo's floor")
    elif ours["seconds"] > MAX_FLOOR_RATIO * floor["seconds"]:
        failures.append(
            f"our run ({ours['seconds']:.1f} s) takes more than {MAX_FLOOR_RATIO}x Odoo's floor "
            f"for the same e-mails and notes ({floor['seconds']:.1f} s)"
        )
    if ours["queries_per_debtor"] > MAX_QUERIES_PER_DEBTOR:
        failures.append(
            f"our run makes {ours['queries_per_debtor']:.1f} queries per debtor, more than "
            f"{MAX_QUERIES_PER_DEBTOR}"
        )
    growth = many["queries_per_debtor"] - few["queries_per_debtor"]
    if growth > MAX_QUERY_GROWTH_PER_DEBTOR:
        failures.append(
            f"our queries per debtor grow with the invoices per debtor: "
            f"{few['queries_per_debtor']:.1f} at {FEW_INVOICES}, "
            f"{many['queries_per_debtor']:.1f} at {INVOICES}"
        )
    assert not failures, "\n".join(failures) + "\n\n" + text


# ----------------------------------------------------------------------------------------------
# The portal statement (issue 9): tests/benchmark_portal_statement.py at a size CI can afford
# ----------------------------------------------------------------------------------------------

PORTAL_SCRIPT = REPO_ROOT / "tests" / "benchmark_portal_statement.py"
PORTAL_REPORT = REPO_ROOT / ".run" / "benchmark_portal.txt"
PORTAL_DB_NAME = "ra_portal_bench_ci"
PORTAL_SIZES = (10, 100)
# the statement is paged and its figures are one SQL each: its queries may not grow with the
# debtor's invoices (a couple of queries of slack for caches filled on the way)
MAX_PORTAL_QUERY_GROWTH = 2


class _PortalBenchmarkSummary(_BenchmarkSummary):
    name = "receivable-portal-benchmark-summary"

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("client portal benchmark: the statement vs Odoo's /my/invoices")
        for line in self.text.splitlines():
            terminalreporter.write_line(line)


def test_portal_statement_does_not_grow_with_invoices(request, record_property, tmp_path):
    if os.environ.get("RUN_BENCHMARKS") == "0":
        pytest.skip("RUN_BENCHMARKS=0")
    json_path = tmp_path / "benchmark_portal.json"
    env = {
        key: value for key, value in os.environ.items() if key not in ("ODOO_RC", "OPENERP_SERVER")
    }
    completed = subprocess.run(
        [
            sys.executable,
            str(PORTAL_SCRIPT),
            "--sizes",
            ",".join(str(size) for size in PORTAL_SIZES),
            "--repeat",
            "3",
            "--db",
            PORTAL_DB_NAME,
            "--json",
            str(json_path),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    text = completed.stdout.rstrip() + "\n"
    PORTAL_REPORT.parent.mkdir(parents=True, exist_ok=True)
    PORTAL_REPORT.write_text(text)
    record_property("benchmark_portal", text)
    manager = request.config.pluginmanager
    if manager.has_plugin(_PortalBenchmarkSummary.name):
        manager.unregister(name=_PortalBenchmarkSummary.name)
    manager.register(_PortalBenchmarkSummary(text), _PortalBenchmarkSummary.name)
    if completed.returncode or not json_path.exists():
        stderr_tail = "\n".join(completed.stderr.splitlines()[-40:])
        pytest.fail(
            f"portal benchmark failed (exit {completed.returncode}):\n{text}\n{stderr_tail}",
            pytrace=False,
        )
    results = json.loads(json_path.read_text())["results"]
    small, large = PORTAL_SIZES[0], PORTAL_SIZES[-1]
    for page in ("statement_link", "statement_user"):
        few = results[f"{page}_{small}"]["queries"]
        many = results[f"{page}_{large}"]["queries"]
        assert (
            many <= few + MAX_PORTAL_QUERY_GROWTH
        ), f"{page}: {few} queries at {small} invoices, {many} at {large}\n\n{text}"
