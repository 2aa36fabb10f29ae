#!/usr/bin/env python3
"""Benchmark: printing the letters of many reminders in one go (*Print Letters*).

    python3 tests/benchmark_letters.py [--letters 500] [--sample 20] [--db ra_letters_bench]
                                       [--keep-db] [--reuse-db] [--json PATH]

1. Creates a fresh database (the marker and helpers of ``benchmark_common.py``: it never
   touches a database it did not create) and installs ``receivable_automation`` without demo
   data.
2. In this process, as superuser: ``--letters`` debtors with a postal address and one overdue
   invoice each, a one-level policy that sends a letter only, and a run that prepares one
   letter per debtor; then commits.
3. Starts an Odoo HTTP server on the database in a process of its own: wkhtmltopdf fetches the
   report's style sheets from it, as it does from a production server (``report.url``).
4. Measures, each in a transaction rolled back afterwards so that each starts from the same
   state, after a warm-up:
   * ours: all the letters printed in one ``_render_qweb_pdf()`` call, as *Print Letters*
     does (one wkhtmltopdf call per hundred letters, split back per reminder and kept on it);
   * one letter per wkhtmltopdf call, what printing did before (Debian's wkhtmltopdf renders
     one document per call): measured on ``--sample`` letters, extrapolated;
   * Odoo's own time for one PDF document, the reference: the customer invoice report of
     ``--sample`` invoices, one per call, as Odoo renders a document.
5. Prints a table (seconds, seconds per letter, ours / Odoo's per document, pages, size, peak
   memory of this process), writes the figures as JSON (``--json``), drops the database
   (``--keep-db`` keeps it; ``--reuse-db`` then skips installation and data).

Exit status 1 when a sanity check fails (a reminder without its letter, a page count that does
not add up).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent))

# the shared database helpers, next to this file
from benchmark_common import (
    MARKER,
    add_database_arguments,
    create_database,
    database_comment,
    drop_database,
    free_port,
    install,
    maintenance_cursor,
    odoo_command,
    odoo_environment,
    write_config,
)

MODULES = "receivable_automation"
DATASET_PARAM = "receivable_letters_benchmark.dataset"
LETTER_REPORT = "receivable_automation.action_report_dunning_letter"
INVOICE_REPORT = "account.account_invoices"
BATCH = 100


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark printing many letters in one go.")
    parser.add_argument("--letters", type=int, default=500, help="letters printed in one go")
    parser.add_argument(
        "--sample", type=int, default=20, help="documents rendered one per call (references)"
    )
    add_database_arguments(parser, "ra_letters_bench")
    args = parser.parse_args(argv)
    if args.letters < 2 or args.sample < 1:
        parser.error("--letters must be at least 2 and --sample at least 1")
    args.sample = min(args.sample, args.letters)
    return args


class LettersBenchmark:
    def __init__(self, args, conf):
        import odoo
        from odoo.modules.registry import Registry

        self.args = args
        self.odoo = odoo
        odoo.tools.config.parse_config(["-c", str(conf)])
        self.registry = Registry(args.db)
        self.server = None
        self.checks = []

    # -- data ----------------------------------------------------------------------------------

    def dataset_signature(self):
        return f"letters={self.args.letters}"

    def env(self, cr):
        return self.odoo.api.Environment(
            cr,
            self.odoo.SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True},
        )

    def has_dataset(self):
        with self.registry.cursor() as cr:
            return (
                self.env(cr)["ir.config_parameter"].get_param(DATASET_PARAM)
                == self.dataset_signature()
            )

    def create_dataset(self):
        from odoo import Command

        today = date.today()
        with self.registry.cursor() as cr:
            env = self.env(cr)
            france = env.ref("base.fr")
            for start in range(0, self.args.letters, BATCH):
                numbers = range(start, min(start + BATCH, self.args.letters))
                debtors = env["res.partner"].create(
                    [
                        {
                            "name": f"Letter Debtor {number:05d}",
                            "is_company": True,
                            "street": f"{number + 1} rue de la Paix",
                            "zip": "75002",
                            "city": "Paris",
                            "country_id": france.id,
                        }
                        for number in numbers
                    ]
                )
                invoices = env["account.move"].create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": debtor.id,
                            "invoice_date": today - timedelta(days=60),
                            "invoice_date_due": today - timedelta(days=30),
                            "invoice_line_ids": [
                                Command.create(
                                    {"name": "Service", "price_unit": 1000 + index, "tax_ids": []}
                                )
                            ],
                        }
                        for index, debtor in enumerate(debtors)
                    ]
                )
                invoices.action_post()
                env.flush_all()
                env.invalidate_all()
            template = env.ref("receivable_automation.mail_template_formal_notice")
            env.company.receivable_policy_id = env["receivable.dunning.policy"].create(
                {
                    "name": "Letters",
                    "level_ids": [
                        Command.create(
                            {
                                "name": "Letter",
                                "days": 10,
                                "send_letter": True,
                                "mail_template_id": template.id,
                            }
                        )
                    ],
                }
            )
            env["receivable.dunning.run"].create({"date": today}).action_run()
            env["ir.config_parameter"].set_param(DATASET_PARAM, self.dataset_signature())

    # -- server --------------------------------------------------------------------------------

    def start_server(self, conf):
        """An Odoo HTTP server on the database: wkhtmltopdf loads the report's assets from it."""
        port = free_port()
        logfile = self.args.run_dir / f"server-{self.args.db}.log"
        command = odoo_command(
            conf,
            self.args.db,
            f"--db-filter=^{self.args.db}$",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=0",
            "--log-level=warn",
            f"--logfile={logfile}",
        )
        self.server = subprocess.Popen(command, env=odoo_environment())
        url = f"http://127.0.0.1:{port}"
        for _attempt in range(120):
            try:
                with urllib.request.urlopen(f"{url}/web/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"The Odoo server did not start: see {logfile}")
        with self.registry.cursor() as cr:
            self.env(cr)["ir.config_parameter"].set_param("report.url", url)
        return url

    def stop_server(self):
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)

    # -- measures ------------------------------------------------------------------------------

    def reminders(self, env):
        return env["receivable.dunning.action"].search(
            [("letter_state", "=", "to_print")], order="id"
        )

    def timed(self, render):
        """(seconds, result) of ``render(env)`` in a transaction rolled back afterwards."""
        with self.registry.cursor() as cr:
            env = self.env(cr)
            started = time.perf_counter()
            result = render(env)
            seconds = time.perf_counter() - started
            cr.rollback()
        return seconds, result

    def report(self, env):
        return env["ir.actions.report"].with_context(force_report_rendering=True)

    def warm_up(self, env):
        report = self.report(env)
        report._render_qweb_pdf(LETTER_REPORT, self.reminders(env)[:2].ids)
        invoice = env["account.move"].search([("move_type", "=", "out_invoice")], limit=1)
        report._render_qweb_pdf(INVOICE_REPORT, invoice.ids)

    def print_all(self, env):
        import io

        from odoo.tools.pdf import PdfFileReader

        reminders = self.reminders(env)
        Report = type(env["ir.actions.report"])
        run_wkhtmltopdf = Report._run_wkhtmltopdf
        with patch.object(
            Report, "_run_wkhtmltopdf", autospec=True, side_effect=run_wkhtmltopdf
        ) as wkhtmltopdf:
            pdf, _kind = self.report(env)._render_qweb_pdf(LETTER_REPORT, reminders.ids)
        attachments = env["ir.attachment"].search(
            [("res_model", "=", reminders._name), ("res_id", "in", reminders.ids)]
        )
        kept_pages = sum(
            len(PdfFileReader(io.BytesIO(attachment.raw)).pages) for attachment in attachments
        )
        return {
            "letters": len(reminders),
            "pages": len(PdfFileReader(io.BytesIO(pdf)).pages),
            "kept_letters": len(set(attachments.mapped("res_id"))),
            "kept_pages": kept_pages,
            "bytes": len(pdf),
            "wkhtmltopdf_calls": wkhtmltopdf.call_count,
        }

    def print_one_per_call(self, env):
        reminders = self.reminders(env)[: self.args.sample]
        self.report(env)._render_letters_one_per_call(LETTER_REPORT, None, reminders.ids)
        return len(reminders)

    def odoo_documents(self, env):
        invoices = env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
            order="id",
            limit=self.args.sample,
        )
        report = self.report(env).with_context(report_pdf_no_attachment=True)
        for invoice in invoices:
            report._render_qweb_pdf(INVOICE_REPORT, invoice.ids)
        return len(invoices)

    def run(self):
        # warm caches: compiled templates, translations, the server's assets bundle
        self.timed(self.warm_up)
        ours_seconds, ours = self.timed(self.print_all)
        one_seconds, one_count = self.timed(self.print_one_per_call)
        odoo_seconds, odoo_count = self.timed(self.odoo_documents)
        letters = ours["letters"]
        figures = {
            "letters": letters,
            "ours_seconds": round(ours_seconds, 2),
            "ours_per_letter": round(ours_seconds / letters, 3),
            "one_per_call_per_letter": round(one_seconds / one_count, 3),
            "one_per_call_seconds_extrapolated": round(one_seconds / one_count * letters, 1),
            "odoo_per_document": round(odoo_seconds / odoo_count, 3),
            "sample": one_count,
            "pages": ours["pages"],
            "bytes": ours["bytes"],
            "wkhtmltopdf_calls": ours["wkhtmltopdf_calls"],
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        figures["ours_vs_odoo_per_document"] = round(
            figures["ours_per_letter"] / figures["odoo_per_document"], 2
        )
        self.check("every reminder keeps its letter", ours["kept_letters"] == letters)
        self.check("the print holds every page kept", ours["kept_pages"] == ours["pages"])
        return figures

    def check(self, name, ok):
        self.checks.append((name, ok))


def render_table(figures):
    letters = figures["letters"]
    lines = [
        "| | seconds | seconds per letter | / Odoo's per document |",
        "| --- | ---: | ---: | ---: |",
        f"| **ours: {letters} letters in one print** "
        f"({figures['wkhtmltopdf_calls']} wkhtmltopdf calls) "
        f"| **{figures['ours_seconds']}** | **{figures['ours_per_letter']}** "
        f"| **{figures['ours_vs_odoo_per_document']}** |",
        f"| one letter per wkhtmltopdf call (sample of {figures['sample']}, extrapolated) "
        f"| {figures['one_per_call_seconds_extrapolated']} "
        f"| {figures['one_per_call_per_letter']} "
        f"| {round(figures['one_per_call_per_letter'] / figures['odoo_per_document'], 2)} |",
        f"| Odoo: one customer invoice PDF (sample of {figures['sample']}) "
        f"| | {figures['odoo_per_document']} | 1.0 |",
    ]
    lines.append("")
    lines.append(
        f"{figures['pages']} pages, {figures['bytes'] / 1e6:.1f} MB; peak memory of the "
        f"benchmark process {figures['peak_rss_mb']} MB."
    )
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    args.run_dir.mkdir(parents=True, exist_ok=True)
    conf = write_config(args.run_dir, args.db)
    with maintenance_cursor() as cr:
        comment = database_comment(cr, args.db)
    if args.reuse_db and comment == MARKER:
        print(f"Reusing database {args.db}", flush=True)
    else:
        drop_database(args.db, args.run_dir)
        create_database(args.db)
        print(f"Installing {MODULES} in {args.db}...", flush=True)
        install(conf, args.db, args.run_dir, MODULES)
    bench = LettersBenchmark(args, conf)
    try:
        if not bench.has_dataset():
            print(f"Creating {args.letters} reminders with a letter...", flush=True)
            bench.create_dataset()
        bench.start_server(conf)
        figures = bench.run()
    finally:
        bench.stop_server()
        if not args.keep_db:
            drop_database(args.db, args.run_dir)
    print(render_table(figures))
    failed = [name for name, ok in bench.checks if not ok]
    for name in failed:
        print(f"CHECK FAILED: {name}")
    if args.json:
        args.json.write_text(json.dumps({**figures, "checks_failed": failed}, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
