#!/usr/bin/env python3
"""Benchmark: our dunning run against OCA's ``account_credit_control``, same data, same process.

    python3 tests/benchmark_dunning.py --debtors 2000 --invoices 10 [--db ra_bench] [--keep-db]
                                       [--reuse-db] [--json PATH] [--scaling 2,8]
                                       [--oca-email-sample 100] [--only-ours] [--profile DIR]

1. Creates a fresh database (refuses to touch an existing one it did not create: its own
   databases carry a ``COMMENT ON DATABASE`` marker), installs ``account``,
   ``receivable_automation`` and ``account_credit_control`` without demo data.
2. In this process (``Registry`` + ``api.Environment``, as superuser, like a cron), builds the
   data set-based: debtors in one bulk ``create``; for the first debtor one posted customer
   invoice per due date through the ORM (the prototypes), then the same invoices for every other
   debtor cloned in SQL from those prototypes (every column copied, names numbered on).
   Invoice ``j`` of a debtor is due ``11 + 7 * j`` days before the run date, so every invoice is
   due for a level of 10 days on the run date, and on the date ``7 * (invoices - k)`` days
   earlier exactly ``k`` invoices of each debtor are.
3. Configures the same one-level e-mail policy in both products: ours (company default policy,
   one level at 10 days with ``receivable_automation.mail_template_first``) and OCA's (a policy
   on the receivable account, set as the company policy, one ``net_days`` e-mail level at 10 days
   with OCA's e-mail template, which attaches its PDF summary, and the invoice table in the body).
4. Measures wall time and SQL queries (``cr.sql_log_count``) of, each in its own transaction that
   is rolled back afterwards so that every measurement starts from the same state:
   * ours: ``receivable.dunning.run.create({"date": d}).action_run()`` (planning and queueing
     the e-mails through the debtors' chatter), and ``action_preview()`` (planning only);
   * OCA: ``credit.control.run.generate_credit_lines()``, then ``set_to_ready_lines()`` and the
     e-mailer wizard ``credit.control.emailer.email_lines()`` (a communication per debtor, posted
     with the level's template: one PDF rendered per debtor). The e-mailing is measured on a
     sample of debtors and extrapolated linearly, once with OCA's template (PDF) and once with a
     copy of it without the PDF attachment (a like-for-like comparison of the engines).
     OCA's totals are generation + ``set_to_ready_lines()`` + e-mailing: its e-mailer only
     takes lines that are ready, and generated lines are drafts;
   * Odoo's floor for what our run writes, on the same data: the e-mails our run queued,
     created again as ``mail.mail`` in one ``create()`` (same e-mail bodies, recipients,
     reply-to, and the same copy of each e-mail in a chatter, the message body, which Odoo
     sanitizes: issue 12's definition of the floor), and the same log notes (on the debtors and
     the invoices) through ``_message_log_batch``; the table prints our run / floor;
   * ours again at 2 and 8 invoices per debtor (``--scaling``), same debtors.
   Our run is also timed by phase (planning, gate, rendering, sending, logging on invoices);
   ``--profile DIR`` writes cProfile statistics of the run and the preview, ``--only-ours``
   skips OCA to iterate fast (with ``--reuse-db``).
   Each product is first run once on two throw-away debtors (rolled back) so that both start
   with warm caches (compiled templates, assets of the PDF report).
   Every measurement ends with ``cr.flush()``: pending writes and the pre-commit hooks (mail
   tracking) a commit would run. Post-commit hooks (OCA's immediate sending) never run.
5. Prints a table, writes the figures as JSON (``--json``), drops the database (``--keep-db``
   keeps it; ``--reuse-db`` then skips installation and data generation).

No HTTP server runs: the PDF renderer (wkhtmltopdf) cannot fetch the report's assets and gives
up after about a second per PDF, which is what a cron without a reachable web server pays.
``report.url`` points to a closed port to make that deterministic.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

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
    write_config,
)

MODULES = "account,receivable_automation,account_credit_control"
LEVEL_DAYS = 10  # the one level of both policies, days after the due date
SPACING = 7  # days between the due dates of a debtor's invoices
WARMUP_DEBTORS = 2
DATASET_PARAM = "receivable_benchmark.dataset"


# ----------------------------------------------------------------------------------------------
# Command line, database, installation
# ----------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark our dunning run against OCA's account_credit_control."
    )
    parser.add_argument("--debtors", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10, help="invoices per debtor")
    add_database_arguments(parser, "ra_bench")
    parser.add_argument(
        "--scaling",
        default="2,8",
        help="invoices per debtor at which to measure our run again, same debtors "
        "(comma-separated, each <= --invoices; empty to skip)",
    )
    parser.add_argument(
        "--oca-email-sample",
        type=int,
        default=100,
        help="debtors on which OCA's e-mailing is measured, then extrapolated "
        "(0: all debtors, no extrapolation)",
    )
    parser.add_argument(
        "--no-oca-plain-email",
        action="store_true",
        help="skip OCA's e-mailing with a template without PDF",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="write cProfile statistics of our run and preview to this directory "
        "(ours-run.prof, ours-preview.prof) and print the top functions",
    )
    parser.add_argument(
        "--only-ours",
        action="store_true",
        help="measure only our run, preview and Odoo's floor (no OCA), to iterate fast",
    )
    parser.add_argument(
        "--date",
        type=date.fromisoformat,
        default=date(2025, 6, 30),
        help="run date (default 2025-06-30)",
    )
    args = parser.parse_args(argv)
    if args.debtors < 2 or args.invoices < 1:
        parser.error("at least 2 debtors and 1 invoice per debtor")
    try:
        args.scaling = sorted({int(k) for k in args.scaling.split(",") if k.strip()})
    except ValueError:
        parser.error("--scaling takes comma-separated integers")
    if any(k < 1 or k > args.invoices for k in args.scaling):
        parser.error("--scaling values must be between 1 and --invoices")
    if args.oca_email_sample < 0:
        parser.error("--oca-email-sample must be >= 0")
    return args


class WkhtmltopdfCounter(logging.Filter):
    """Counts (and keeps out of the output) wkhtmltopdf's warnings about unreachable assets."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def filter(self, record):
        if "wkhtmltopdf" in record.getMessage().lower():
            self.count += 1
            return False
        return True


# ----------------------------------------------------------------------------------------------
# The benchmark, inside Odoo
# ----------------------------------------------------------------------------------------------


class Benchmark:
    dataset_param = DATASET_PARAM  # the system parameter that names the data set built

    def __init__(self, args, conf):
        import odoo
        from odoo.modules.registry import Registry
        from odoo.tools import config

        config.parse_config(["-c", str(conf), "--log-level=warn"])
        self.args = args
        self.debtor_count = args.debtors
        self.per_debtor = args.invoices
        self.date = args.date
        self.registry = Registry(args.db)
        self.cr = self.registry.cursor()
        self.env = odoo.api.Environment(self.cr, odoo.SUPERUSER_ID, {})
        self.pdf_warnings = WkhtmltopdfCounter()
        logging.getLogger("odoo.addons.base.models.ir_actions_report").addFilter(self.pdf_warnings)
        self.results = {}
        self.checks = []

    def close(self):
        self.cr.rollback()
        self.cr.close()
        import odoo

        odoo.sql_db.close_db(self.args.db)
        odoo.modules.registry.Registry.delete(self.args.db)

    # -- dates ---------------------------------------------------------------------------------

    def due_date(self, index):
        """Due date of a debtor's invoice number ``index`` (0 = the most recent)."""
        return self.date - timedelta(days=LEVEL_DAYS + 1 + SPACING * index)

    def date_with_due(self, count):
        """The run date on which exactly ``count`` invoices of each debtor are due."""
        return self.date - timedelta(days=SPACING * (self.per_debtor - count))

    def warmup_date(self):
        """A date before any invoice of the data set is due."""
        return self.due_date(self.per_debtor - 1) - timedelta(days=1)

    # -- data ----------------------------------------------------------------------------------

    def quiet_env(self):
        return self.env(
            context=dict(
                self.env.context,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
                mail_notrack=True,
                no_reset_password=True,
            )
        )

    def create_debtors(self, count, label):
        slug = label.lower().replace(" ", "-")
        return (
            self.quiet_env()["res.partner"]
            .create(
                [
                    {
                        "name": f"{label} {index:05d}",
                        "email": f"{slug}-{index:05d}@debtor.example.com",
                        "is_company": True,
                        "customer_rank": 1,
                    }
                    for index in range(count)
                ]
            )
            .sorted("id")
        )

    def create_prototypes(self, debtor):
        """One posted invoice per due date for the first debtor, through the ORM."""
        from odoo import Command

        Move = self.quiet_env()["account.move"]
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": debtor.id,
                    "invoice_date": self.due_date(index) - timedelta(days=30),
                    "invoice_date_due": self.due_date(index),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"Service {index + 1}",
                                "quantity": 1,
                                "price_unit": 100.0 + 10 * index,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for index in range(self.per_debtor)
            ]
        )
        moves.action_post()
        self.env.flush_all()
        return moves

    def columns(self, table):
        self.cr.execute(
            """
            SELECT column_name, data_type FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = %s
             ORDER BY ordinal_position
            """,
            (table,),
        )
        return self.cr.fetchall()

    def clone_invoices(self, rows):
        """Copy posted prototype invoices in SQL: ``rows`` = [(prototype, debtor id, due date)].

        Every column is copied from the prototype (both the invoice and its lines), except the
        partner, the name (numbered on after the journal's last one with the same prefix) and
        the dates, shifted by the difference between the new and the prototype's due date.
        """
        cr = self.cr
        self.env.flush_all()
        cr.execute("DROP TABLE IF EXISTS benchmark_clone")
        cr.execute(
            """
            CREATE TEMP TABLE benchmark_clone (
                proto_id int, partner_id int, due date, new_id int, shift int,
                seq int, new_name varchar)
            """
        )
        cr.execute(
            """
            INSERT INTO benchmark_clone (proto_id, partner_id, due)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::date[])
            """,
            (
                [proto.id for proto, _partner, _due in rows],
                [partner for _proto, partner, _due in rows],
                [due for _proto, _partner, due in rows],
            ),
        )
        cr.execute(
            """
            UPDATE benchmark_clone clone
               SET new_id = nextval('account_move_id_seq'),
                   shift = clone.due - proto.invoice_date_due
              FROM account_move proto
             WHERE proto.id = clone.proto_id
            """
        )
        cr.execute(
            """
            WITH numbered AS (
                SELECT clone.new_id, proto.journal_id, proto.sequence_prefix,
                       length(proto.name) - length(proto.sequence_prefix) AS width,
                       row_number() OVER (PARTITION BY proto.journal_id, proto.sequence_prefix
                                          ORDER BY clone.new_id) AS rank
                  FROM benchmark_clone clone
                  JOIN account_move proto ON proto.id = clone.proto_id),
            tops AS (
                SELECT journal_id, sequence_prefix, max(sequence_number) AS top
                  FROM account_move GROUP BY journal_id, sequence_prefix)
            UPDATE benchmark_clone clone
               SET seq = tops.top + numbered.rank,
                   new_name = numbered.sequence_prefix
                              || lpad((tops.top + numbered.rank)::text,
                                      greatest(numbered.width,
                                               length((tops.top + numbered.rank)::text)), '0')
              FROM numbered
              JOIN tops USING (journal_id, sequence_prefix)
             WHERE clone.new_id = numbered.new_id
            """
        )

        def select_list(table, alias, overrides):
            exprs = []
            names = []
            for name, data_type in self.columns(table):
                if name == "id" and "id" not in overrides:
                    continue
                names.append(name)
                if name in overrides:
                    exprs.append(overrides[name])
                elif data_type == "date":
                    exprs.append(f"{alias}.{name} + clone.shift")
                else:
                    exprs.append(f"{alias}.{name}")
            return ", ".join(f'"{name}"' for name in names), ", ".join(exprs)

        move_columns, move_exprs = select_list(
            "account_move",
            "proto",
            {
                "id": "clone.new_id",
                "name": "clone.new_name",
                "sequence_number": "clone.seq",
                "partner_id": "clone.partner_id",
                "commercial_partner_id": "partner.commercial_partner_id",
                "partner_shipping_id": "CASE WHEN proto.partner_shipping_id IS NULL"
                " THEN NULL ELSE clone.partner_id END",
                "invoice_partner_display_name": "partner.name",
                "payment_reference": "CASE WHEN proto.payment_reference = proto.name"
                " THEN clone.new_name ELSE proto.payment_reference END",
                "access_token": "NULL",
                "message_main_attachment_id": "NULL",
            },
        )
        cr.execute(
            f"""
            INSERT INTO account_move ({move_columns})
            SELECT {move_exprs}
              FROM benchmark_clone clone
              JOIN account_move proto ON proto.id = clone.proto_id
              JOIN res_partner partner ON partner.id = clone.partner_id
            """
        )
        line_columns, line_exprs = select_list(
            "account_move_line",
            "line",
            {
                "move_id": "clone.new_id",
                "move_name": "clone.new_name",
                "partner_id": "CASE WHEN line.partner_id IS NULL"
                " THEN NULL ELSE partner.commercial_partner_id END",
                "name": "CASE WHEN line.name = proto.name OR line.name = proto.payment_reference"
                " THEN clone.new_name ELSE line.name END",
                "matching_number": "NULL",
                "full_reconcile_id": "NULL",
            },
        )
        cr.execute(
            f"""
            INSERT INTO account_move_line ({line_columns})
            SELECT {line_exprs}
              FROM benchmark_clone clone
              JOIN account_move proto ON proto.id = clone.proto_id
              JOIN account_move_line line ON line.move_id = proto.id
              JOIN res_partner partner ON partner.id = clone.partner_id
            """
        )
        cr.execute("DROP TABLE benchmark_clone")
        self.env.invalidate_all()

    def configure_policies(self, receivable_account):
        from odoo import Command

        env = self.env
        company = env.company
        ours = env["receivable.dunning.policy"].create(
            {
                "name": "Benchmark: one e-mail level",
                "company_id": company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": "First reminder",
                            "days": LEVEL_DAYS,
                            "mail_template_id": env.ref(
                                "receivable_automation.mail_template_first"
                            ).id,
                        }
                    )
                ],
            }
        )
        company.receivable_policy_id = ours
        template = env.ref("account_credit_control.email_template_credit_control_base")
        oca = env["credit.control.policy"].create(
            {
                "name": "Benchmark: one e-mail level",
                "company_id": company.id,
                "account_ids": [Command.set(receivable_account.ids)],
                "level_ids": [
                    Command.create(
                        {
                            "name": "First reminder",
                            "level": 1,
                            "computation_mode": "net_days",
                            "delay_days": LEVEL_DAYS,
                            "channel": "email",
                            "email_template_id": template.id,
                            "mail_show_invoice_detail": True,
                            "custom_text": "The invoices below are still unpaid.",
                            "custom_mail_text": "<p>Unless we are mistaken, the invoices below "
                            "are still unpaid. Please pay them at your earliest convenience.</p>",
                        }
                    )
                ],
            }
        )
        company.credit_policy_id = oca
        # The same template without the PDF attachment, for a like-for-like engine comparison.
        plain = template.copy({"report_template_ids": [Command.clear()]})
        plain.name = "Benchmark: OCA credit control e-mail without PDF"
        env["ir.config_parameter"].sudo().set_param("benchmark.plain_template_id", plain.id)

    def plain_oca_template(self):
        template_id = (
            self.env["ir.config_parameter"].sudo().get_param("benchmark.plain_template_id")
        )
        return self.env["mail.template"].browse(int(template_id))

    def dataset_signature(self):
        return json.dumps(
            {"debtors": self.debtor_count, "invoices": self.per_debtor, "date": str(self.date)}
        )

    def has_dataset(self):
        Param = self.env["ir.config_parameter"].sudo()
        return Param.get_param(self.dataset_param) == self.dataset_signature()

    def create_dataset(self):
        env = self.env
        start = time.perf_counter()
        env.company.write({"email": "credit@company.example.com"})
        debtors = self.create_debtors(self.debtor_count, "Debtor")
        prototypes = self.create_prototypes(debtors[0])
        self.clone_invoices(
            [
                (proto, debtor_id, proto.invoice_date_due)
                for debtor_id in debtors[1:].ids
                for proto in prototypes
            ]
        )
        receivable = env["account.move.line"].search(
            [("move_id", "in", prototypes.ids), ("account_type", "=", "asset_receivable")]
        )
        self.configure_policies(receivable.account_id)
        Param = env["ir.config_parameter"].sudo()
        # The PDF renderer fetches the report's assets from here: nothing listens (no HTTP
        # server, as in a cron without a reachable web server), deterministically.
        Param.set_param("report.url", f"http://127.0.0.1:{free_port()}")
        Param.set_param(self.dataset_param, self.dataset_signature())
        Param.set_param("benchmark.debtor_ids", json.dumps(debtors.ids))
        self.cr.commit()
        self.cr.execute("ANALYZE")
        self.cr.commit()
        self.data_seconds = time.perf_counter() - start

    def debtor_ids(self):
        return json.loads(self.env["ir.config_parameter"].sudo().get_param("benchmark.debtor_ids"))

    def check_dataset(self):
        self.cr.execute(
            """
            SELECT count(*), count(DISTINCT aml.partner_id), min(aml.date_maturity),
                   max(aml.date_maturity)
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
             WHERE account.account_type = 'asset_receivable' AND aml.parent_state = 'posted'
               AND NOT aml.reconciled AND aml.amount_residual > 0
            """
        )
        items, debtors, first_due, last_due = self.cr.fetchone()
        self.check(
            "data set: open receivable items",
            items == self.debtor_count * self.per_debtor and debtors == self.debtor_count,
            f"{items} items of {debtors} debtors, due {first_due} to {last_due}",
        )

    # -- measuring -----------------------------------------------------------------------------

    def check(self, name, ok, detail):
        self.checks.append({"check": name, "ok": bool(ok), "detail": detail})

    def max_id(self, table):
        self.cr.execute(f"SELECT COALESCE(max(id), 0) FROM {table}")
        return self.cr.fetchone()[0]

    def count_since(self, table, since):
        self.cr.execute(f"SELECT count(*) FROM {table} WHERE id > %s", (since,))
        return self.cr.fetchone()[0]

    @contextmanager
    def measure(self):
        """Wall time, SQL queries and e-mails queued in the block, from an empty record cache.
        Ends like a commit would: pending writes flushed and pre-commit hooks run."""
        self.cr.flush()
        self.env.invalidate_all()
        mails = self.max_id("mail_mail")
        messages = self.max_id("mail_message")
        figures = {"since": {"mail_mail": mails, "mail_message": messages}}
        queries = self.cr.sql_log_count
        start = time.perf_counter()
        yield figures
        self.cr.flush()
        figures["seconds"] = time.perf_counter() - start
        figures["queries"] = self.cr.sql_log_count - queries
        figures["emails"] = self.count_since("mail_mail", mails)
        figures["messages"] = self.count_since("mail_message", messages)

    def rollback(self):
        self.cr.rollback()
        self.env.invalidate_all()

    def record(self, key, label, figures, debtors, invoices, **extra):
        figures = {
            "label": label,
            "debtors": debtors,
            "invoices": invoices,
            "seconds": round(figures["seconds"], 3),
            "queries": figures["queries"],
            "queries_per_debtor": round(figures["queries"] / debtors, 2),
            "emails": figures["emails"],
            "messages": figures.get("messages"),
            "extrapolated": False,
            **({"phases": figures["phases"]} if "phases" in figures else {}),
            **extra,
        }
        self.results[key] = figures
        return figures

    # -- ours ----------------------------------------------------------------------------------

    # methods of our run timed separately (seconds and queries, summed over calls)
    PHASES = {
        "receivable.dunning.run": (
            "_clear_preview",
            "_create_actions",
            "_send_pending_actions",
        ),
        "receivable.dunning.action": (
            "_check_gate",
            "_ensure_portal_links",
            "_render_channels",
            "_send_one",
            "_subscribe_collectors",
            "_mark_items_reminded",
        ),
    }

    @contextmanager
    def phases(self, figures):
        """Times the methods of ``PHASES`` (wrapped on the registry's classes for the block)."""
        timings = figures.setdefault("phases", {})
        wrapped = []

        def wrap(cls, name):
            original = cls.__dict__.get(name)
            method = getattr(cls, name)

            def timed(record, *args, **kwargs):
                queries, start = self.cr.sql_log_count, time.perf_counter()
                try:
                    return method(record, *args, **kwargs)
                finally:
                    phase = timings.setdefault(name, {"seconds": 0.0, "queries": 0, "calls": 0})
                    phase["seconds"] += time.perf_counter() - start
                    phase["queries"] += self.cr.sql_log_count - queries
                    phase["calls"] += 1

            setattr(cls, name, timed)
            wrapped.append((cls, name, original))

        for model, names in self.PHASES.items():
            for name in names:
                if hasattr(type(self.env[model]), name):
                    wrap(type(self.env[model]), name)
        try:
            yield
        finally:
            for cls, name, original in reversed(wrapped):
                if original is None:
                    delattr(cls, name)
                else:
                    setattr(cls, name, original)
            for phase in timings.values():
                phase["seconds"] = round(phase["seconds"], 3)

    @contextmanager
    def profiled(self, name):
        if not (self.args.profile and name):
            yield
            return
        import cProfile
        import pstats

        self.args.profile.mkdir(parents=True, exist_ok=True)
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            path = self.args.profile / f"{name}.prof"
            profile.dump_stats(path)
            print(f"[benchmark] profile of {name}: {path}", flush=True)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)

    def run_ours(self, run_date, preview=False, profile=None):
        figures = {}
        with self.phases(figures), self.measure() as measured, self.profiled(profile):
            run = self.env["receivable.dunning.run"].create({"date": run_date})
            if preview:
                run.action_preview()
            else:
                run.action_run()
        figures.update(measured)
        actions = run.action_ids
        figures["reminders"] = len(actions)
        figures["sent"] = len(actions.filtered(lambda action: action.state == "sent"))
        figures["previewed"] = len(actions.filtered(lambda action: action.state == "preview"))
        figures["lines"] = sorted(set(actions.mapped("invoice_count")))
        return figures

    def measure_ours(self, count, key, label, floor=False):
        figures = self.run_ours(
            self.date_with_due(count), profile="ours-run" if key == "ours" else None
        )
        written = self.written_by_run(figures["since"]) if floor else None
        self.rollback()
        if written:
            self.measure_floor(written)
        self.check(
            f"{key}: one reminder per debtor, sent, with {count} invoices each",
            figures["reminders"] == figures["sent"] == self.debtor_count
            and figures["lines"] == [count]
            and figures["emails"] == self.debtor_count,
            f"{figures['reminders']} reminders, {figures['sent']} sent, invoices per reminder "
            f"{figures['lines']}, {figures['emails']} e-mails",
        )
        return self.record(
            key,
            label,
            figures,
            self.debtor_count,
            self.debtor_count * count,
            reminders=figures["reminders"],
        )

    def measure_ours_preview(self):
        figures = self.run_ours(self.date, preview=True, profile="ours-preview")
        self.rollback()
        self.check(
            "ours_preview: one previewed reminder per debtor, nothing sent",
            figures["previewed"] == self.debtor_count
            and figures["lines"] == [self.per_debtor]
            and figures["emails"] == 0,
            f"{figures['previewed']} previewed, {figures['emails']} e-mails",
        )
        return self.record(
            "ours_preview",
            "ours: preview (plan only, no sending)",
            figures,
            self.debtor_count,
            self.debtor_count * self.per_debtor,
            reminders=figures["previewed"],
        )

    # -- Odoo's floor ---------------------------------------------------------------------------

    def written_by_run(self, since):
        """What our run wrote that a user sees: its e-mails (as queued) and its log notes."""
        mails = self.env["mail.mail"].search([("id", ">", since["mail_mail"])])
        notes = self.env["mail.message"].search(
            [
                ("id", ">", since["mail_message"]),
                ("message_type", "=", "notification"),
                ("model", "in", ("res.partner", "account.move")),
            ]
        )
        return {
            "mails": [
                {
                    "subject": mail.subject,
                    # the e-mail as sent, and its copy in the chatter (the message's body)
                    "body_html": mail.body_html,
                    "body": mail.mail_message_id.body,
                    "email_from": mail.email_from,
                    "reply_to": mail.reply_to,
                    "author_id": mail.author_id.id,
                    # on the debtor: the reminders themselves are rolled back before the floor
                    "model": "res.partner",
                    "res_id": self.env[mail.model].browse(mail.res_id).partner_id.id,
                    "recipient_ids": [(6, 0, mail.recipient_ids.ids)],
                    "message_type": "comment",
                    "auto_delete": mail.auto_delete,
                }
                for mail in mails
            ],
            "notes": [(note.model, note.res_id, note.body) for note in notes],
        }

    def measure_floor(self, written):
        """Odoo's own floor for what our run writes, on the same data: the same e-mails created
        as ``mail.mail`` in one ``create()`` (same bodies, recipients, reply-to), and the same
        log notes through ``_message_log_batch``, one call per model."""
        notes = {}
        for model, res_id, body in written["notes"]:
            notes.setdefault(model, {})[res_id] = body
        with self.measure() as figures:
            self.env["mail.mail"].create(written["mails"])
            for model, bodies in notes.items():
                self.env[model].browse(list(bodies))._message_log_batch(bodies=bodies)
        self.rollback()
        self.check(
            "floor: same e-mails and log notes as our run",
            figures["emails"] == len(written["mails"])
            and figures["messages"] == len(written["mails"]) + len(written["notes"]),
            f"{figures['emails']} e-mails, {figures['messages']} messages",
        )
        return self.record(
            "floor",
            "Odoo floor: same e-mails + log notes, batched",
            figures,
            self.debtor_count,
            self.debtor_count * self.per_debtor,
            notes=len(written["notes"]),
        )

    # -- OCA -----------------------------------------------------------------------------------

    def oca_generate(self, run_date):
        from odoo import Command

        policy = self.env.company.credit_policy_id
        with self.measure() as figures:
            run = self.env["credit.control.run"].create(
                {"date": run_date, "policy_ids": [Command.set(policy.ids)]}
            )
            run.generate_credit_lines()
        figures["lines"] = len(run.line_ids)
        return run, figures

    def oca_email(self, run, debtor_ids, template):
        level = run.policy_ids.level_ids
        level.email_template_id = template
        lines = self.env["credit.control.line"].search(
            [("run_id", "=", run.id), ("partner_id", "in", debtor_ids)]
        )
        pdf_warnings = self.pdf_warnings.count
        with self.measure() as figures:
            wizard = self.env["credit.control.emailer"].create({"line_ids": [(6, 0, lines.ids)]})
            wizard.email_lines()
        figures["communications"] = len(lines.communication_id)
        figures["lines"] = len(lines)
        figures["lines_queued"] = len(lines.filtered(lambda line: line.state == "queued"))
        figures["pdf_warnings"] = self.pdf_warnings.count - pdf_warnings
        return figures

    def measure_oca(self):
        debtors = self.debtor_ids()
        total = self.debtor_count
        per_debtor = self.per_debtor
        run, generate = self.oca_generate(self.date)
        self.check(
            "OCA: one credit line per overdue invoice",
            generate["lines"] == total * per_debtor,
            f"{generate['lines']} credit lines",
        )
        self.record(
            "oca_generate",
            "OCA: generate credit lines",
            generate,
            total,
            total * per_debtor,
            lines=generate["lines"],
        )
        with self.measure() as ready:
            run.set_to_ready_lines()
        self.record("oca_ready", "OCA: set lines ready (all)", ready, total, total * per_debtor)

        variants = [("pdf", "OCA template (PDF)", run.policy_ids.level_ids.email_template_id)]
        if not self.args.no_oca_plain_email:
            variants.append(("plain", "template without PDF", self.plain_oca_template()))
        sample = self.args.oca_email_sample or total
        sample = min(sample, total // len(variants))
        for index, (variant, variant_label, template) in enumerate(variants):
            sample_ids = debtors[index * sample : (index + 1) * sample]
            email = self.oca_email(run, sample_ids, template)
            self.check(
                f"OCA e-mailing ({variant}): one communication and e-mail per debtor",
                email["communications"] == len(sample_ids) == email["emails"]
                and email["lines_queued"] == email["lines"] == len(sample_ids) * per_debtor,
                f"{email['communications']} communications, {email['emails']} e-mails, "
                f"{email['lines_queued']}/{email['lines']} lines queued",
            )
            self.record(
                f"oca_email_{variant}_sample",
                f"OCA: e-mail, {variant_label}, sample",
                email,
                len(sample_ids),
                len(sample_ids) * per_debtor,
                communications=email["communications"],
                pdf_warnings=email["pdf_warnings"],
            )
            factor = total / len(sample_ids)
            combined = {
                "seconds": generate["seconds"] + ready["seconds"] + email["seconds"] * factor,
                "queries": round(
                    generate["queries"] + ready["queries"] + email["queries"] * factor
                ),
                "emails": round(email["emails"] * factor),
                "messages": round(
                    generate["messages"] + ready["messages"] + email["messages"] * factor
                ),
            }
            self.record(
                f"oca_total_{variant}",
                f"OCA: generate + e-mail, {variant_label}",
                combined,
                total,
                total * per_debtor,
                extrapolated=factor != 1,
                sample_debtors=len(sample_ids),
            )
        self.rollback()

    # -- warm-up -------------------------------------------------------------------------------

    def warm_up(self):
        """Run each product once on throw-away debtors, rolled back: compiled templates, report
        assets and registry caches are then warm for both, as in a running server."""
        warm_date = self.warmup_date()
        due = warm_date - timedelta(days=LEVEL_DAYS + 5)
        prototypes = self.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("state", "=", "posted")], order="id", limit=2
        )
        for product in ("ours",) if self.args.only_ours else ("ours", "oca"):
            debtors = self.create_debtors(WARMUP_DEBTORS, "Warm-up")
            self.clone_invoices(
                [(proto, debtor_id, due) for debtor_id in debtors.ids for proto in prototypes]
            )
            if product == "ours":
                figures = self.run_ours(warm_date)
                ok = figures["reminders"] == WARMUP_DEBTORS
            else:
                run, figures = self.oca_generate(warm_date)
                run.set_to_ready_lines()
                ok = figures["lines"] == WARMUP_DEBTORS * len(prototypes)
                templates = [run.policy_ids.level_ids.email_template_id, self.plain_oca_template()]
                for debtor, template in zip(debtors, templates, strict=True):
                    if template:
                        self.oca_email(run, debtor.ids, template)
            self.check(f"warm-up of {product} on {WARMUP_DEBTORS} debtors", ok, str(figures))
            self.rollback()

    # -- all -----------------------------------------------------------------------------------

    def run(self):
        start = time.perf_counter()
        self.check_dataset()
        self.warm_up()
        self.measure_ours(self.per_debtor, "ours", "ours: run (plan + queue e-mails)", floor=True)
        self.measure_ours_preview()
        if not self.args.only_ours:
            self.measure_oca()
        for count in self.args.scaling:
            if count == self.per_debtor:
                figures = dict(self.results["ours"])
                figures["label"] = f"ours at {count} invoices/debtor (= main run)"
                self.results[f"ours_scaling_{count}"] = figures
            else:
                self.measure_ours(
                    count, f"ours_scaling_{count}", f"ours at {count} invoices/debtor"
                )
        self.measure_seconds = time.perf_counter() - start


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------


RATIOS = (
    # key, OCA figure, our figure, label
    ("generate_vs_run", "oca_generate", "ours", "OCA generation alone / our run"),
    ("total_pdf_vs_run", "oca_total_pdf", "ours", "OCA generation + e-mailing (PDF) / our run"),
    (
        "total_plain_vs_run",
        "oca_total_plain",
        "ours",
        "OCA generation + e-mailing (no PDF) / our run",
    ),
    ("generate_vs_preview", "oca_generate", "ours_preview", "OCA generation / our planning"),
)


def ratios(results):
    found = {}
    if "floor" in results and "ours" in results:
        found["run_vs_floor"] = {
            "label": "our run / Odoo floor (lower is better)",
            "seconds": round(results["ours"]["seconds"] / results["floor"]["seconds"], 2),
            "queries": round(results["ours"]["queries"] / results["floor"]["queries"], 2),
        }
    for key, theirs, ours, label in RATIOS:
        if theirs in results and ours in results:
            found[key] = {
                "label": label,
                "seconds": round(results[theirs]["seconds"] / results[ours]["seconds"], 2),
                "queries": round(results[theirs]["queries"] / results[ours]["queries"], 2),
            }
    return found


def render_table(report):
    params, results = report["params"], report["results"]
    order = [
        "ours",
        "ours_preview",
        "floor",
        "oca_generate",
        "oca_ready",
        "oca_email_pdf_sample",
        "oca_email_plain_sample",
        "oca_total_pdf",
        "oca_total_plain",
        *sorted(key for key in results if key.startswith("ours_scaling_")),
    ]
    header = (
        f"{'':46} {'debtors':>8} {'invoices':>9} {'seconds':>9} {'queries':>9} "
        f"{'q/debtor':>9} {'e-mails':>8}"
    )
    lines = [
        f"Dunning benchmark: {params['debtors']:,} debtors x {params['invoices']} invoices "
        f"= {params['debtors'] * params['invoices']:,} overdue invoices, run date "
        f"{params['date']}, database {params['db']}",
        "",
        header,
        "-" * len(header),
    ]
    for key in order:
        if key not in results:
            continue
        row = results[key]
        label = row["label"] + (" *" if row.get("extrapolated") else "")
        if key.startswith("ours_scaling_") and not lines[-1].startswith("ours at"):
            lines.append("")
        lines.append(
            f"{label:46} {row['debtors']:>8,} {row['invoices']:>9,} {row['seconds']:>9.2f} "
            f"{row['queries']:>9,} {row['queries_per_debtor']:>9.1f} {row['emails']:>8,}"
        )
    lines.append("")
    for ratio in report["ratios"].values():
        lines.append(
            f"Speed ratio {ratio['label']:46} x{ratio['seconds']:<6.2f} time  "
            f"x{ratio['queries']:.2f} queries"
        )
    phases = results.get("ours", {}).get("phases")
    if phases:
        lines.append("")
        lines.append(
            "Our run by phase: "
            + ", ".join(
                f"{name} {phase['seconds']:.2f} s / {phase['queries']} q"
                for name, phase in sorted(phases.items(), key=lambda item: -item[1]["seconds"])
            )
        )
    lines.append("")
    lines.extend(report["notes"])
    failed = [check for check in report["checks"] if not check["ok"]]
    lines.append(
        "Sanity checks: all passed"
        if not failed
        else "Sanity checks FAILED: " + "; ".join(f"{c['check']} ({c['detail']})" for c in failed)
    )
    return "\n".join(lines)


def build_report(args, bench):
    results = bench.results
    notes = []
    extrapolated = [row for row in results.values() if row.get("extrapolated")]
    if extrapolated:
        sample = extrapolated[0]["sample_debtors"]
        notes.append(
            f"* extrapolated: OCA's e-mailing measured on {sample} debtors (rows 'sample') and "
            f"scaled linearly to {args.debtors:,}; generation and 'set ready' measured in full."
        )
    pdf_sample = results.get("oca_email_pdf_sample")
    if pdf_sample:
        notes.append(
            f"OCA's template attaches a PDF per debtor: {pdf_sample['pdf_warnings']} of "
            f"{pdf_sample['communications']} PDFs rendered with wkhtmltopdf network errors (no "
            "HTTP server, as in a cron without a reachable web server); ours sends no PDF."
        )
    notes.append(
        "Each product measured in its own transaction, rolled back before the next; both warmed "
        "up first on throw-away debtors; as superuser; e-mails = mail.mail queued."
    )
    scaling = sorted(
        (row["invoices"] // row["debtors"], row["queries_per_debtor"])
        for key, row in results.items()
        if key.startswith("ours_scaling_")
    )
    if scaling:
        notes.append(
            "Ours, queries per debtor by invoices per debtor: "
            + ", ".join(f"{count} -> {per_debtor:.1f}" for count, per_debtor in scaling)
        )
    return {
        "params": {
            "debtors": args.debtors,
            "invoices": args.invoices,
            "date": str(args.date),
            "db": args.db,
            "scaling": args.scaling,
            "oca_email_sample": args.oca_email_sample,
            "level_days": LEVEL_DAYS,
        },
        "results": results,
        "ratios": ratios(results),
        "checks": bench.checks,
        "notes": notes,
        "timings": {
            "install_seconds": round(getattr(args, "install_seconds", 0.0), 1),
            "data_seconds": round(getattr(bench, "data_seconds", 0.0), 1),
            "measure_seconds": round(getattr(bench, "measure_seconds", 0.0), 1),
        },
    }


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    run_dir = args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    conf = write_config(run_dir, args.db)
    with maintenance_cursor() as cr:
        comment = database_comment(cr, args.db)
    reuse = args.reuse_db and comment == MARKER
    if args.reuse_db and not reuse:
        print(f"[benchmark] no benchmark database {args.db} to reuse: creating it", flush=True)
    if not reuse:
        drop_database(args.db, run_dir)  # a leftover of an interrupted run; never a foreign one
        print(f"[benchmark] creating {args.db}, installing {MODULES}", flush=True)
        create_database(args.db)
    bench = None
    try:
        install_start = time.perf_counter()
        if not reuse:
            install(conf, args.db, run_dir, MODULES)
        args.install_seconds = time.perf_counter() - install_start
        bench = Benchmark(args, conf)
        if not (reuse and bench.has_dataset()):
            if reuse:
                raise SystemExit(f"{args.db} holds another data set: run without --reuse-db")
            print(
                f"[benchmark] data: {args.debtors:,} debtors x {args.invoices} invoices",
                flush=True,
            )
            bench.create_dataset()
        print("[benchmark] measuring", flush=True)
        bench.run()
        report = build_report(args, bench)
        report["timings"]["total_seconds"] = round(time.perf_counter() - started, 1)
        table = render_table(report)
        report["table"] = table
        print(table, flush=True)
        print(
            f"[benchmark] install {report['timings']['install_seconds']} s, data "
            f"{report['timings']['data_seconds']} s, measurements "
            f"{report['timings']['measure_seconds']} s",
            flush=True,
        )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
        return 0 if all(check["ok"] for check in bench.checks) else 1
    finally:
        if bench is not None:
            bench.close()
        if not args.keep_db:
            drop_database(args.db, run_dir)
            (run_dir / f"odoo-{args.db}.conf").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
