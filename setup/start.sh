#!/usr/bin/env bash
# Runs the product: installs what is missing, creates the demo database with the add-ons, their
# demo data and Odoo's demo payment provider on the first start (login admin / admin), then
# serves Odoo on http://localhost:8069. A second start reuses the database (our add-ons updated).
#   DB_NAME (default receivables_demo), HTTP_PORT (default 8069)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB_NAME="${DB_NAME:-receivables_demo}"

"$REPO_ROOT/setup/install.sh"
write_odoo_conf "$DB_NAME"
modules="$(project_modules)"

if ! psql -d postgres -tAc "select 1 from pg_database where datname = '$DB_NAME'" | grep -q 1; then
    # payment_demo (Odoo's demo payment provider; its install enables it in test mode and
    # publishes it): the reminders' "Pay online" links work in the demo. The add-ons do not
    # depend on it: a database installed from Apps chooses its own provider.
    log "creating database $DB_NAME with $modules, payment_demo and demo data"
    python3 -m odoo -c "$ODOO_CONF" -d "$DB_NAME" -i "$modules,payment_demo" --stop-after-init \
        --log-level=warn
else
    # Reused as it is, with our add-ons updated to this checkout's code.
    log "reusing database $DB_NAME, updating $modules"
    python3 -m odoo -c "$ODOO_CONF" -d "$DB_NAME" -u "$modules" --stop-after-init \
        --log-level=warn
fi
log "Odoo on http://localhost:${HTTP_PORT:-8069} (admin / admin)"
exec python3 -m odoo -c "$ODOO_CONF" -d "$DB_NAME" --db-filter="^${DB_NAME}\$"
