# Shared settings for the setup scripts; sourced, never run.
# Everything here can be overridden from the environment.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-$(id -un)}"
# Where the generated Odoo configuration and logs go (git-ignored).
RUN_DIR="${RUN_DIR:-$REPO_ROOT/.run}"
ODOO_CONF="$RUN_DIR/odoo.conf"
# Our add-ons, in install order (a missing folder is skipped).
PROJECT_ADDONS="receivable_automation esign client_portal"
# Glue add-ons (auto_install) to optional add-ons: Odoo's Sales, OCA's queue_job. They install
# themselves beside them on a user's database; CI installs them with Sales and queue_job (from
# requirements-dev.txt) to test them; install.sh / start.sh do not.
GLUE_ADDONS="receivable_credit_sale receivable_queue_job"

log() { printf '[setup] %s\n' "$*" >&2; }

project_modules() {
    local found=() m
    for m in $PROJECT_ADDONS; do
        [ -f "$REPO_ROOT/addons/$m/__manifest__.py" ] && found+=("$m")
    done
    (IFS=,; echo "${found[*]}")
}

# Writes $ODOO_CONF: Odoo's own add-on folders (including OCA wheels installed from PyPI in the
# odoo.addons namespace) followed by this repository's add-ons.
write_odoo_conf() {
    local db_name="$1"
    mkdir -p "$RUN_DIR"
    local odoo_paths
    odoo_paths="$(python3 -c 'import odoo.addons; print(",".join(odoo.addons.__path__))')"
    cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $odoo_paths,$REPO_ROOT/addons
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_name = $db_name
admin_passwd = admin
without_demo = False
http_port = ${HTTP_PORT:-8069}
data_dir = $RUN_DIR/filestore
CONF
}
