#!/usr/bin/env python3
"""Benchmark: the daily run spread over several Odoo worker processes (issue 12, part 2).

    python3 tests/benchmark_scale.py --debtors 2000 --invoices 10 --workers 1,2
                                     --mode cron,queue_job [--batch-size 200] [--db ra_scale_bench]
                                     [--keep-db] [--reuse-db] [--json PATH] [--timeout 1800]

1. Builds a template database once, with the helpers of ``benchmark_dunning.py``: installs
   ``account`` and ``receivable_automation`` without demo data, creates the debtors and clones
   their invoices in SQL (every debtor has ``--invoices`` invoices, all due for the one
   e-mail level of 10 days *today*: the servers' daily run runs on the real date). Every
   scheduled action but the daily run and the "send reminders" ones is switched off. For the
   ``queue_job`` mode, a copy of it gets OCA's ``queue_job`` (and so ``receivable_queue_job``).
2. For each mode and worker count W, on a fresh copy of its template (``CREATE DATABASE ...
   TEMPLATE``), as a deployment would run it:
   * ``cron``: "Parallel Senders" = W, then W Odoo processes
     ``python3 -m odoo --workers=0 --max-cron-threads=1 --no-http`` (one cron worker each);
   * ``queue_job``: one Odoo server ``--workers=W --max-cron-threads=1 --load=web,queue_job``
     whose configuration gives the channels ``root:W,root.receivables:W``: its job runner hands
     the jobs to the W HTTP worker processes.
   Once the servers are up, the daily run's scheduled action is triggered (``ir_cron_trigger``
   and the ``cron_trigger`` notification Odoo's own ``_trigger()`` sends), and the benchmark
   polls the database until the run is done and no reminder is pending (nor any job waiting).
3. Prints per mode and W: wall time (trigger to the last reminder sent), reminders per minute,
   speed-up against one worker of the same mode, peak resident memory (VmHWM) of the worker
   processes, duplicates (two reminders for one debtor, level and date; two e-mails for one
   reminder or one debtor) and losses (debtors without a sent reminder: never planned, pending
   or failed at the end, or without their e-mail), and the goals of issue 12. Exit status 1 on a
   duplicate, a loss or a timeout.

The figures are throughput figures: run it on a quiet machine with at least as many cores as
the largest W, plus one for PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# the shared helpers and the set-based data builder, next to this file
from benchmark_common import (
    MARKER,
    add_database_arguments,
    connect,
    create_database,
    database_comment,
    drop_database,
    free_port,
    install,
    maintenance_cursor,
    write_config,
)
from benchmark_dunning import LEVEL_DAYS, Benchmark

MODULES = "account,receivable_automation"
MODES = ("cron", "queue_job")
DATASET_PARAM = "receivable_scale_benchmark.dataset"
DAILY_CRON = ("receivable_automation", "ir_cron_dunning_run")
SENDER_CODE = "model._cron_send_batches()"
GOALS = {"minutes": 10.0, "speedup": 1.6, "rss_mb": 1024}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark the daily run over several Odoo worker processes."
    )
    parser.add_argument("--debtors", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=10, help="invoices per debtor")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--mode", default="cron,queue_job", help="cron, queue_job or both")
    parser.add_argument("--batch-size", type=int, default=200, help="reminders per batch")
    add_database_arguments(parser, "ra_scale_bench")
    parser.add_argument(
        "--timeout", type=int, default=1800, help="seconds allowed for one measured run"
    )
    args = parser.parse_args(argv)
    try:
        args.workers = sorted({int(w) for w in args.workers.split(",") if w.strip()})
    except ValueError:
        parser.error("--workers takes comma-separated integers")
    args.mode = [m.strip() for m in args.mode.split(",") if m.strip()]
    if not args.workers or args.workers[0] < 1:
        parser.error("worker counts must be at least 1")
    if not args.mode or set(args.mode) - set(MODES):
        parser.error(f"--mode takes {' and/or '.join(MODES)}")
    if args.debtors < 2 or args.invoices < 1 or args.batch_size < 1:
        parser.error("at least 2 debtors, 1 invoice per debtor and 1 reminder per batch")
    # the servers' daily run runs on the real date: the data is built for it
    args.date = datetime.now(timezone.utc).date()
    return args


# ----------------------------------------------------------------------------------------------
# Template databases
# ----------------------------------------------------------------------------------------------


class ScaleData(Benchmark):
    """benchmark_dunning's set-based data set, with our policy only (no OCA)."""

    dataset_param = DATASET_PARAM

    def configure_policies(self, receivable_account):
        from odoo import Command

        env = self.env
        policy = env["receivable.dunning.policy"].create(
            {
                "name": "Benchmark: one e-mail level",
                "company_id": env.company.id,
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
        env.company.write(
            {"receivable_policy_id": policy.id, "receivable_batch_size": self.args.batch_size}
        )

    def create_dataset(self):
        super().create_dataset()
        only_our_crons(self.env)
        self.cr.commit()


def only_our_crons(env):
    """Nothing but the daily run and the senders runs in the measured servers."""
    ours = env.ref(".".join(DAILY_CRON)) | env["ir.cron"].search([("code", "=", SENDER_CODE)])
    env["ir.cron"].search([("id", "not in", ours.ids)]).active = False


def odoo_env_of(db, conf):
    """(registry, cursor, env) on ``db``, as superuser, in this process."""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    if not config.get("db_host"):  # Odoo's configuration can be parsed once per process
        config.parse_config(["-c", str(conf), "--log-level=warn"])
    registry = Registry(db)
    cr = registry.cursor()
    return registry, cr, odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def close_env(db, cr):
    import odoo

    cr.close()
    odoo.sql_db.close_db(db)
    odoo.modules.registry.Registry.delete(db)


def copy_database(template, name, run_dir):
    from psycopg2 import sql

    drop_database(name, run_dir)
    with maintenance_cursor() as cr:
        cr.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
        cr.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(MARKER)
            )
        )


def prepare_templates(args, run_dir):
    """{mode: template database} for the requested modes, built or reused."""
    base = args.db
    templates = {"cron": base}
    if "queue_job" in args.mode:
        templates["queue_job"] = f"{base}_qj"
    signature = json.dumps(
        {"debtors": args.debtors, "invoices": args.invoices, "date": str(args.date)}
    )
    with maintenance_cursor() as cr:
        existing = {name: database_comment(cr, name) for name in templates.values()}
    if not (args.reuse_db and existing[base] == MARKER and has_dataset(base, signature)):
        drop_database(base, run_dir)
        print(f"[scale] creating {base}, installing {MODULES}", flush=True)
        create_database(base)
        conf = write_config(run_dir, base)
        install(conf, base, run_dir, MODULES)
        print(f"[scale] data: {args.debtors:,} debtors x {args.invoices} invoices", flush=True)
        data = ScaleData(args, conf)
        try:
            data.create_dataset()
        finally:
            data.close()
        existing.pop(templates.get("queue_job"), None)
    queue_template = templates.get("queue_job")
    if queue_template and not (args.reuse_db and existing.get(queue_template) == MARKER):
        print(f"[scale] {queue_template}: a copy with queue_job installed", flush=True)
        copy_database(base, queue_template, run_dir)
        conf = write_config(run_dir, queue_template)
        install(conf, queue_template, run_dir, "queue_job")
        _registry, cr, env = odoo_env_of(queue_template, conf)
        try:
            assert env["ir.module.module"].search(
                [("name", "=", "receivable_queue_job"), ("state", "=", "installed")]
            ), "receivable_queue_job did not install itself with queue_job"
            only_our_crons(env)
            cr.commit()
        finally:
            close_env(queue_template, cr)
    return templates


def has_dataset(db, signature):
    import psycopg2

    try:
        connection = connect(db)
    except psycopg2.Error:
        return False
    try:
        with connection.cursor() as cr:
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", (DATASET_PARAM,))
            row = cr.fetchone()
    finally:
        connection.close()
    return bool(row) and row[0] == signature


# ----------------------------------------------------------------------------------------------
# One measured run
# ----------------------------------------------------------------------------------------------


class ScaleRun:
    """One mode at one worker count, on its own copy of the template."""

    def __init__(self, args, run_dir, mode, workers, template):
        self.args = args
        self.run_dir = run_dir
        self.mode = mode
        self.workers = workers
        self.template = template
        self.db = f"{args.db}_run"
        self.servers = []
        self.peak_rss = {}

    # -- set-up --------------------------------------------------------------------------------

    def prepare(self):
        copy_database(self.template, self.db, self.run_dir)
        self.conf = write_config(self.run_dir, self.db)
        if self.mode == "queue_job":
            capacity = self.workers
            with self.conf.open("a") as conf:
                conf.write(
                    f"\n[queue_job]\nchannels = root:{capacity},root.receivables:{capacity}\n"
                )
        _registry, cr, env = odoo_env_of(self.db, self.conf)
        try:
            Param = env["ir.config_parameter"].sudo()
            Param.set_param("receivable_automation.parallel_senders", str(self.workers))
            senders = env["receivable.dunning.sender"]._sync_sender_crons()
            if self.mode == "queue_job":
                # only the jobs send: the senders, a safety net there, would add a worker
                senders.active = False
            daily = env.ref(".".join(DAILY_CRON))
            self.daily_cron_id = daily.id
            cr.commit()
        finally:
            close_env(self.db, cr)

    def server_commands(self):
        base = [sys.executable, "-m", "odoo", "-c", str(self.conf), "-d", self.db]
        base += ["--db-filter", f"^{self.db}$", "--log-level=info"]
        # planning 20,000 debtors in one call takes longer than Odoo's default 120 s allow
        base += ["--limit-time-real-cron=900"]
        if self.mode == "cron":
            return [
                [*base, "--workers=0", "--max-cron-threads=1", "--no-http"]
                for _index in range(self.workers)
            ]
        return [
            [
                *base,
                f"--workers={self.workers}",
                "--max-cron-threads=1",
                "--load=web,queue_job",
                f"--http-port={free_port()}",
                f"--gevent-port={free_port()}",
                # and more CPU time than a default worker may use
                "--limit-time-cpu=900",
            ]
        ]

    def start_servers(self):
        env = {k: v for k, v in os.environ.items() if k not in ("ODOO_RC", "OPENERP_SERVER")}
        for index, command in enumerate(self.server_commands()):
            log = self.run_dir / f"server-{self.mode}-{self.workers}-{index}.log"
            log.unlink(missing_ok=True)
            process = subprocess.Popen(
                [*command, f"--logfile={log}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            self.servers.append((process, log))
        deadline = time.monotonic() + 300
        for process, log in self.servers:
            while not (log.exists() and "Registry loaded" in log.read_text(errors="replace")):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"Odoo server did not start, see {log}")
                time.sleep(0.5)
        time.sleep(2)  # the cron threads / workers listen once the registry is loaded

    def stop_servers(self):
        for process, _log in self.servers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _log in self.servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.servers = []

    # -- measuring -----------------------------------------------------------------------------

    def worker_processes(self):
        """The processes that do the work: each server itself (threaded), or its workers."""
        import psutil

        found = []
        for process, _log in self.servers:
            try:
                parent = psutil.Process(process.pid)
                children = parent.children(recursive=True) if self.mode == "queue_job" else []
            except psutil.NoSuchProcess:
                continue
            found.extend(children or [parent])
        return found

    def sample_memory(self):
        for process in self.worker_processes():
            try:
                status = Path(f"/proc/{process.pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    kilobytes = int(line.split()[1])
                    self.peak_rss[process.pid] = max(self.peak_rss.get(process.pid, 0), kilobytes)

    def trigger_daily_run(self, cr):
        cr.execute(
            "INSERT INTO ir_cron_trigger (cron_id, call_at) VALUES (%s, now() at time zone 'UTC') "
            "RETURNING call_at",
            (self.daily_cron_id,),
        )
        self.triggered_at = cr.fetchone()[0]
        cr.connection.commit()
        with maintenance_cursor() as pg:
            pg.execute("SELECT pg_notify('cron_trigger', %s)", (self.db,))

    def progress(self, cr):
        cr.execute(
            """
            SELECT (SELECT count(*) FROM receivable_dunning_run WHERE state = 'done'),
                   (SELECT count(*) FROM receivable_dunning_action WHERE state = 'pending'),
                   (SELECT count(*) FROM receivable_dunning_action WHERE state = 'sent')
            """
        )
        runs, pending, sent = cr.fetchone()
        waiting_jobs = 0
        if self.mode == "queue_job":
            cr.execute(
                "SELECT count(*) FROM queue_job WHERE state IN "
                "('wait_dependencies', 'pending', 'enqueued', 'started')"
            )
            waiting_jobs = cr.fetchone()[0]
        cr.connection.commit()
        return runs, pending, sent, waiting_jobs

    def measure(self):
        connection = connect(self.db)
        try:
            cr = connection.cursor()
            start = time.monotonic()
            self.trigger_daily_run(cr)
            timed_out = True
            last_print = 0
            while time.monotonic() - start < self.args.timeout:
                self.sample_memory()
                runs, pending, sent, jobs = self.progress(cr)
                if runs and not pending and not jobs:
                    timed_out = False
                    break
                if time.monotonic() - last_print > 30:
                    last_print = time.monotonic()
                    print(
                        f"[scale] {self.mode} x{self.workers}: {sent:,} sent, {pending:,} "
                        f"pending, {jobs:,} jobs waiting, {time.monotonic() - start:.0f} s",
                        flush=True,
                    )
                time.sleep(0.5)
            wall = time.monotonic() - start
            self.sample_memory()
            figures = self.checks(cr)
        finally:
            connection.close()
        figures.update(
            mode=self.mode,
            workers=self.workers,
            wall_seconds=round(wall, 1),
            timed_out=timed_out,
            reminders_per_minute=round(figures["sent"] / wall * 60, 1) if wall else 0.0,
            peak_rss_mb=round(max(self.peak_rss.values(), default=0) / 1024),
            worker_processes=len(self.peak_rss),
        )
        return figures

    def checks(self, cr):
        """Duplicates and losses, from the database."""
        cr.execute(
            """
            SELECT count(*) FILTER (WHERE state != 'preview'),
                   count(*) FILTER (WHERE state = 'sent'),
                   count(*) FILTER (WHERE state IN ('pending', 'failed', 'to_validate'))
              FROM receivable_dunning_action
            """
        )
        planned, sent, unsent = cr.fetchone()
        # when the run had planned (and handed over) its reminders, from the trigger
        cr.execute(
            "SELECT EXTRACT(EPOCH FROM max(write_date) - %s) FROM receivable_dunning_run",
            (self.triggered_at,),
        )
        planning_seconds = float(cr.fetchone()[0] or 0)
        cr.execute(
            """
            SELECT COALESCE(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM receivable_dunning_action
                 WHERE state != 'preview'
              GROUP BY company_id, partner_id, level_id, date HAVING count(*) > 1) twice
            """
        )
        duplicate_reminders = cr.fetchone()[0]
        cr.execute(
            """
            SELECT COALESCE(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM mail_mail mail
                  JOIN mail_message message ON message.id = mail.mail_message_id
                 WHERE message.model = 'receivable.dunning.action'
              GROUP BY message.res_id HAVING count(*) > 1) twice
            """
        )
        duplicate_mails = cr.fetchone()[0]
        cr.execute(
            """
            WITH debtors AS (
                SELECT DISTINCT partner.commercial_partner_id AS id
                  FROM account_move move JOIN res_partner partner ON partner.id = move.partner_id
                 WHERE move.move_type = 'out_invoice' AND move.state = 'posted'),
            mailed AS (
                SELECT rel.res_partner_id AS id, count(*) AS n
                  FROM mail_mail mail
                  JOIN mail_mail_res_partner_rel rel ON rel.mail_mail_id = mail.id
                  JOIN mail_message message ON message.id = mail.mail_message_id
                 WHERE message.model = 'receivable.dunning.action'
              GROUP BY rel.res_partner_id),
            reminded AS (
                SELECT DISTINCT partner_id AS id FROM receivable_dunning_action
                 WHERE state = 'sent')
            SELECT count(*),
                   count(*) FILTER (WHERE reminded.id IS NULL),
                   count(*) FILTER (WHERE mailed.id IS NULL),
                   COALESCE(sum(mailed.n - 1) FILTER (WHERE mailed.n > 1), 0)
              FROM debtors
         LEFT JOIN reminded ON reminded.id = debtors.id
         LEFT JOIN mailed ON mailed.id = debtors.id
            """
        )
        debtors, not_reminded, not_mailed, extra_mails = cr.fetchone()
        cr.execute(
            "SELECT count(*) FROM mail_mail mail JOIN mail_message message "
            "ON message.id = mail.mail_message_id WHERE message.model = 'receivable.dunning.action'"
        )
        mails = cr.fetchone()[0]
        return {
            "debtors": debtors,
            "planning_seconds": round(planning_seconds, 1),
            "planned": planned,
            "sent": sent,
            "mails": mails,
            "duplicates": int(duplicate_reminders + duplicate_mails + extra_mails),
            "losses": int(max(not_reminded, not_mailed) + unsent),
            "detail": {
                "duplicate_reminders": int(duplicate_reminders),
                "reminders_with_two_mails": int(duplicate_mails),
                "extra_mails_to_a_debtor": int(extra_mails),
                "debtors_without_sent_reminder": int(not_reminded),
                "debtors_without_mail": int(not_mailed),
                "reminders_left_unsent": int(unsent),
            },
        }

    def run(self):
        print(f"[scale] {self.mode} x{self.workers}: fresh copy of {self.template}", flush=True)
        self.prepare()
        try:
            self.start_servers()
            figures = self.measure()
        finally:
            self.stop_servers()
            drop_database(self.db, self.run_dir)
            (self.run_dir / f"odoo-{self.db}.conf").unlink(missing_ok=True)
        return figures


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------


def add_speedups(results):
    for row in results:
        one = next((r for r in results if r["mode"] == row["mode"] and r["workers"] == 1), None)
        row["speedup"] = (
            round(row["reminders_per_minute"] / one["reminders_per_minute"], 2)
            if one and one["reminders_per_minute"]
            else None
        )


def render_table(args, results):
    lines = [
        f"Daily run over worker processes: {args.debtors:,} debtors x {args.invoices} invoices, "
        f"batches of {args.batch_size}",
        "",
        "| mode | workers | wall time | of which planning | reminders / minute | speed-up vs 1 "
        "| peak RSS of a worker | duplicates | losses |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results:
        speedup = f"{row['speedup']:.2f}x" if row["speedup"] else "-"
        wall = f"{row['wall_seconds']:.1f} s" + (" (TIMEOUT)" if row["timed_out"] else "")
        lines.append(
            f"| {row['mode']} | {row['workers']} | {wall} | {row['planning_seconds']:.1f} s "
            f"| {row['reminders_per_minute']:,.0f} | "
            f"{speedup} | {row['peak_rss_mb']:,} MB | {row['duplicates']} | {row['losses']} |"
        )
    lines.append("")
    for row in results:
        lines.append(
            f"{row['mode']} x{row['workers']}: {row['sent']:,} of {row['planned']:,} planned "
            f"reminders sent, {row['mails']:,} e-mails queued for {row['debtors']:,} debtors; "
            f"{row['detail']}"
        )
    lines.append("")
    lines.extend(goal_lines(results))
    return "\n".join(lines)


def goal_lines(results):
    """Issue 12's goals, each met or not, per mode (at the largest worker count >= 2)."""
    lines = []
    for mode in sorted({row["mode"] for row in results}):
        rows = [row for row in results if row["mode"] == mode]
        multi = max(rows, key=lambda row: row["workers"])
        if multi["workers"] < 2:
            continue
        verdicts = [
            (
                f"full run <= {GOALS['minutes']:.0f} min over {multi['workers']} workers",
                multi["wall_seconds"] <= GOALS["minutes"] * 60 and not multi["timed_out"],
                f"{multi['wall_seconds'] / 60:.1f} min",
            ),
            (
                f"throughput x{multi['workers']} >= {GOALS['speedup']}x one worker",
                (multi["speedup"] or 0) >= GOALS["speedup"],
                f"{multi['speedup']}x",
            ),
            (
                f"peak RSS of a worker <= {GOALS['rss_mb']} MB",
                all(row["peak_rss_mb"] <= GOALS["rss_mb"] for row in rows),
                f"{max(row['peak_rss_mb'] for row in rows)} MB",
            ),
            (
                "0 duplicates and 0 losses",
                all(not row["duplicates"] and not row["losses"] for row in rows),
                f"{sum(row['duplicates'] for row in rows)} / "
                f"{sum(row['losses'] for row in rows)}",
            ),
        ]
        for label, ok, value in verdicts:
            if value == "Nonex":
                # no run with one worker to compare with
                lines.append(f"goal ({mode}): {label}: not measured (add 1 to --workers)")
                continue
            lines.append(f"goal ({mode}): {label}: {'met' if ok else 'NOT met'} ({value})")
    return lines


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    run_dir = args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    templates = prepare_templates(args, run_dir)
    results = []
    try:
        for mode in args.mode:
            for workers in args.workers:
                scale_run = ScaleRun(args, run_dir, mode, workers, templates[mode])
                results.append(scale_run.run())
    finally:
        if not args.keep_db:
            for template in templates.values():
                drop_database(template, run_dir)
                (run_dir / f"odoo-{template}.conf").unlink(missing_ok=True)
    add_speedups(results)
    table = render_table(args, results)
    print(table, flush=True)
    print(f"[scale] total {time.perf_counter() - started:.0f} s", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {
            "params": {
                "debtors": args.debtors,
                "invoices": args.invoices,
                "workers": args.workers,
                "modes": args.mode,
                "batch_size": args.batch_size,
                "date": str(args.date),
            },
            "results": results,
            "goals": goal_lines(results),
            "table": table,
        }
        args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    failed = any(row["duplicates"] or row["losses"] or row["timed_out"] for row in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
