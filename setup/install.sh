#!/usr/bin/env bash
# Installs what the project needs and is missing on a Debian 12 machine with Python 3.11:
# system packages (PostgreSQL when none answers, wkhtmltopdf, Chromium for browser tests),
# Odoo 18.0 from Odoo's official source when python3 cannot import it, and the Python
# requirements. Safe to run again: each step checks first and does nothing when satisfied.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ODOO_SRC_DIR="${ODOO_SRC_DIR:-/opt/odoo-18.0}"
ODOO_SOURCE_URL="${ODOO_SOURCE_URL:-https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_postgresql() {
    if pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then return 0; fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1; then
        apt_install postgresql postgresql-client
    fi
    local version
    version="$(ls /etc/postgresql | sort -n | tail -n 1)"
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do
        pg_isready -q -h "$PGHOST" -p "$PGPORT" && break
        sleep 1
    done
    # Odoo connects as the current user: give it a role when there is none.
    if ! psql -d postgres -tAc 'select 1' >/dev/null 2>&1; then
        as_root su postgres -c "createuser --superuser $(id -un)" || true
    fi
}

ensure_odoo() {
    if python3 -c 'import odoo' >/dev/null 2>&1; then return 0; fi
    log "Odoo 18.0 is not importable: installing it from Odoo's official source into $ODOO_SRC_DIR"
    apt_install git build-essential python3-dev libldap2-dev libsasl2-dev libpq-dev \
        libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev
    if [ ! -f "$ODOO_SRC_DIR/setup.py" ]; then
        as_root mkdir -p "$ODOO_SRC_DIR"
        curl -fsSL --retry 3 "$ODOO_SOURCE_URL" | as_root tar xz --strip-components=1 -C "$ODOO_SRC_DIR"
    fi
    # cbor2 5.4.2 (Odoo's pin) does not build with current toolchains; 5.4.6 is API-compatible.
    sed 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$ODOO_SRC_DIR/requirements.txt" > "$RUN_DIR/odoo-requirements.txt"
    python3 -m pip install -q -r "$RUN_DIR/odoo-requirements.txt"
    # compat mode: a path entry, so OCA wheels (odoo/addons/...) in site-packages do not shadow
    # Odoo behind a namespace package
    python3 -m pip install -q --no-deps -e "$ODOO_SRC_DIR" --config-settings editable_mode=compat
}

ensure_python_requirements() {
    local file
    for file in "$REPO_ROOT/requirements.txt" "$@"; do
        if ! python3 -m pip install --dry-run -r "$file" 2>/dev/null | grep -q '^Would install'; then
            continue
        fi
        log "installing Python requirements from ${file#"$REPO_ROOT"/}"
        python3 -m pip install -q -r "$file"
    done
}

main() {
    mkdir -p "$RUN_DIR"
    apt_install wkhtmltopdf fonts-dejavu-core curl
    [ "${WITH_BROWSER:-0}" = 1 ] && apt_install chromium
    ensure_postgresql
    ensure_odoo
    if [ "${WITH_DEV:-0}" = 1 ]; then
        ensure_python_requirements "$REPO_ROOT/requirements-dev.txt"
    else
        ensure_python_requirements
    fi
}

main "$@"
