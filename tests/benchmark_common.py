"""Helpers shared by the benchmarks under ``tests/``: their own PostgreSQL databases (created
with a marker comment; a database without it is never dropped), the Odoo configuration they
write, the installation of the modules they measure.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MARKER = "receivable_automation benchmark database (safe to drop)"


def pg_params():
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": int(os.environ.get("PGPORT", "5432")),
        "user": os.environ.get("PGUSER") or getpass.getuser(),
        "password": os.environ.get("PGPASSWORD") or None,
    }


def connect(dbname):
    """A psycopg2 connection to ``dbname`` with the PG* settings."""
    import psycopg2

    params = {key: value for key, value in pg_params().items() if value is not None}
    return psycopg2.connect(dbname=dbname, **params)


@contextmanager
def maintenance_cursor():
    connection = connect("postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cr:
            yield cr
    finally:
        connection.close()


def database_comment(cr, name):
    """None if the database does not exist, else its comment ('' without one)."""
    cr.execute(
        """
        SELECT COALESCE(shobj_description(oid, 'pg_database'), '')
          FROM pg_database WHERE datname = %s
        """,
        (name,),
    )
    row = cr.fetchone()
    return row[0] if row else None


def drop_database(name, run_dir):
    """Drop a database this script created (it carries the marker); never any other."""
    from psycopg2 import sql

    with maintenance_cursor() as cr:
        comment = database_comment(cr, name)
        if comment is None:
            return
        if comment != MARKER:
            raise SystemExit(
                f"Database {name!r} exists and was not created by this benchmark: not touching it."
            )
        cr.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    shutil.rmtree(run_dir / "data" / "filestore" / name, ignore_errors=True)


def create_database(name):
    from psycopg2 import sql

    with maintenance_cursor() as cr:
        cr.execute(
            sql.SQL(
                "CREATE DATABASE {} ENCODING 'unicode' LC_COLLATE 'C' TEMPLATE template0"
            ).format(sql.Identifier(name))
        )
        cr.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(MARKER)
            )
        )


def write_config(run_dir, db):
    import odoo.addons

    run_dir.mkdir(parents=True, exist_ok=True)
    params = pg_params()
    addons_path = ",".join([*odoo.addons.__path__, str(REPO_ROOT / "addons")])
    lines = [
        "[options]",
        f"addons_path = {addons_path}",
        f"db_host = {params['host']}",
        f"db_port = {params['port']}",
        f"db_user = {params['user']}",
        f"db_name = {db}",
        "admin_passwd = admin",
        "without_demo = all",
        "list_db = False",
        f"data_dir = {run_dir / 'data'}",
    ]
    if params["password"]:
        lines.append(f"db_password = {params['password']}")
    conf = run_dir / f"odoo-{db}.conf"
    conf.write_text("\n".join(lines) + "\n")
    return conf


def odoo_command(conf, db, *options):
    """The command line of an Odoo process on ``db`` with the benchmark's configuration."""
    return [sys.executable, "-m", "odoo", "-c", str(conf), "-d", db, *options]


def odoo_environment():
    """This process' environment without what would make Odoo read another configuration."""
    return {k: v for k, v in os.environ.items() if k not in ("ODOO_RC", "OPENERP_SERVER")}


def install(conf, db, run_dir, modules):
    """Install ``modules`` (comma-separated) without demo data, in a process of its own."""
    logfile = run_dir / f"install-{db}.log"
    command = odoo_command(
        conf,
        db,
        "-i",
        modules,
        "--without-demo=all",
        "--stop-after-init",
        "--no-http",
        "--log-level=warn",
        f"--logfile={logfile}",
    )
    completed = subprocess.run(command, env=odoo_environment(), check=False)
    if completed.returncode:
        tail = logfile.read_text(errors="replace").splitlines()[-40:] if logfile.exists() else []
        raise SystemExit(
            f"Installing {modules} in {db} failed (exit {completed.returncode}):\n"
            + "\n".join(tail)
        )


def free_port():
    """A TCP port nothing listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_database_arguments(parser, default_db):
    """The options every benchmark has: its database, keeping and reusing it, JSON output and
    where its files go."""
    parser.add_argument(
        "--db", default=default_db, help=f"database to create (default {default_db})"
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="reuse a database kept by an earlier run with the same sizes (no install, no data)",
    )
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this path")
    parser.add_argument(
        "--run-dir",
        type=Path,
        default=REPO_ROOT / ".run" / "benchmark",
        help="where the Odoo configuration, logs and filestore go",
    )
