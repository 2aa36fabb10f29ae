#!/usr/bin/env bash
# Runs every test on a fresh database:
#   1. installs Odoo's modules the add-ons depend on, and payment_demo for the payment tour (no
#      tests: Odoo's own suites take hours);
#   2. installs our add-ons with --test-enable (load errors, at_install tests) and fails on any
#      ERROR or CRITICAL line in that log;
#   3. runs the add-ons' test suites with pytest-odoo, browser tours included (Chromium);
#   4. runs the repository-level checks under tests/: lint (ruff and pylint-odoo's mandatory
#      checks fail the run; its optional checks are printed before pytest's closing line and
#      never fail it), packaging (each add-on builds as its odoo-addon-<name> wheel), and the
#      benchmark against OCA at a small size (RUN_BENCHMARKS=0 skips it; full size:
#      python3 tests/benchmark_dunning.py).
# Exits non-zero on any failure and ends with a closing "N passed, N failed" line.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB_NAME="${TEST_DB_NAME:-receivables_test}"
# Tests serve HTTP (tours) on their own port, so a running demo server does not get in the way.
export HTTP_PORT="${TEST_HTTP_PORT:-8169}"
LOG_DIR="$RUN_DIR/test-logs"

WITH_BROWSER=1 WITH_DEV=1 "$REPO_ROOT/setup/install.sh"
write_odoo_conf "$DB_NAME"
# pytest-odoo reads this config: test mode on, so Odoo imports its test framework quietly.
echo "test_enable = True" >> "$ODOO_CONF"
mkdir -p "$LOG_DIR"
# the glue add-ons too: their OCA dependencies (queue_job...) are then installed with Odoo's
PROJECT_ADDONS="$PROJECT_ADDONS $GLUE_ADDONS"
modules="$(project_modules)"

dependencies() {
    # The Odoo modules our add-ons depend on, transitively, minus our own.
    python3 - "$REPO_ROOT/addons" $PROJECT_ADDONS <<'PY'
import ast, pathlib, sys
root, ours = pathlib.Path(sys.argv[1]), set(sys.argv[2:])
deps = set()
for name in ours:
    manifest = root / name / "__manifest__.py"
    if manifest.exists():
        deps.update(ast.literal_eval(manifest.read_text()).get("depends", []))
print(",".join(sorted(deps - ours)))
PY
}

fail_on_log_errors() {
    local logfile="$1"
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logfile" >/dev/null; then
        log "errors in $logfile:"
        grep -E -A5 '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logfile" | head -n 60 >&2
        return 1
    fi
}

log "fresh database $DB_NAME"
dropdb --if-exists "$DB_NAME"
rm -rf "$RUN_DIR/filestore/filestore/$DB_NAME"

# With Odoo's demo payment provider (not a dependency of the add-ons): the tour that pays an
# invoice from a reminder's link runs here; without it, that test skips.
log "installing dependencies: $(dependencies) and payment_demo"
python3 -m odoo -c "$ODOO_CONF" -d "$DB_NAME" -i "$(dependencies),payment_demo" --stop-after-init \
    --no-http --logfile="$LOG_DIR/dependencies.log"
fail_on_log_errors "$LOG_DIR/dependencies.log"

log "installing $modules with --test-enable (at_install tests)"
tags="$(echo "$modules" | sed "s/\([a-z_]*\)/at_install\/\1/g")"
python3 -m odoo -c "$ODOO_CONF" -d "$DB_NAME" -i "$modules" --stop-after-init \
    --test-enable --test-tags="$tags" --no-http --logfile="$LOG_DIR/install.log"
fail_on_log_errors "$LOG_DIR/install.log"

test_paths=()
for m in ${modules//,/ }; do
    [ -d "$REPO_ROOT/addons/$m/tests" ] && test_paths+=("addons/$m/tests")
done
[ -n "$(ls "$REPO_ROOT"/tests/test_*.py 2>/dev/null)" ] && test_paths+=("tests")

log "running ${test_paths[*]} with pytest-odoo"
cd "$REPO_ROOT"
status=0
python3 -m pytest -p no:cacheprovider --odoo-config="$ODOO_CONF" --odoo-database="$DB_NAME" \
    --odoo-http --odoo-skip-at-install --odoo-log-level=warn -q -o console_output_style=classic \
    "${test_paths[@]}" "$@" || status=$?
# pytest exits 5 when it collected no test: that is a failure here too.
exit "$status"
