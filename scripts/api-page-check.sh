#!/usr/bin/env bash
# Renders the API page (GET /api/v1/docs: Swagger UI served by the service itself) in headless
# Chromium and checks that it shows the operations of the OpenAPI document; writes a screenshot
# to target/api-docs.png.
#
# Standalone: builds the jar when missing or older than its inputs; starts its own Redis, MariaDB
# and service on free loopback ports in a temporary folder (scripts/lib/common.sh) and stops
# exactly those processes, by pid, on exit. Missing packages (chromium, the servers, a JDK) are
# installed with apt-get when run as root; otherwise the command is printed. Every wait has a
# deadline. Exit status 0 when the page renders the operations.
#
# Knobs (environment): API_PAGE_KEEP=1 keeps the temporary folder and its logs.
set -euo pipefail

SCRIPT_NAME=api-page-check.sh
READY_TIMEOUT=120
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

SHOT="$ROOT/target/api-docs.png"
# Operations the rendered page must list (paths of the document).
EXPECTED_PATHS=(/api/v1/tickers/buffer /api/v1/tickers/refresh /api/v1/tickers/upsert /api/v1/universe
  /api/v1/admin/flush /api/v1/admin/evict /health/ready /metrics)

packages=()
read -r -a packages <<<"$({ build_packages; server_packages; find_bin chromium chromium-browser >/dev/null || echo chromium; } | tr '\n' ' ')"
install_packages "${packages[@]}"
CHROMIUM="$(find_bin chromium chromium-browser)"
build_jar_if_stale

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-api-page.XXXXXX")"
cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  stop_started "$rc" "${API_PAGE_KEEP:-0}"
  exit "$rc"
}
trap cleanup EXIT
exit_on_signals

start_local_stores --save '' --appendonly no
free_port HTTP_PORT
log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, service :$HTTP_PORT"

# Tokens are required to start; the page itself needs none.
service_java_opts
env TU_HTTP_PORT="$HTTP_PORT" TU_HTTP_HOST=127.0.0.1 \
  TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" \
  TU_AUTH_API_TOKENS="page-check-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" \
  setsid java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$WORK/service.log" 2>&1 &
JAVA_PID=$!
STARTED+=("$JAVA_PID service")
PAGE="http://127.0.0.1:$HTTP_PORT/api/v1/docs"
wait_ready service "$JAVA_PID" "$WORK/service.log" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/ready"

chromium_run() { # chromium_run ARG...: headless, private profile, no network but ours, bounded
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d "$WORK/chromium.XXXXXX")" --virtual-time-budget=10000 "$@" 2>>"$WORK/chromium.log"
}

log "rendering $PAGE"
chromium_run --dump-dom "$PAGE" >"$WORK/dom.html" || die "chromium failed (see $WORK/chromium.log)"
missing=()
for p in "${EXPECTED_PATHS[@]}"; do
  grep -q "data-path=\"$p\"" "$WORK/dom.html" || missing+=("$p")
done
opblocks="$(grep -o 'class="opblock opblock-[a-z]*' "$WORK/dom.html" | wc -l)"
if ((${#missing[@]})) || ((opblocks < ${#EXPECTED_PATHS[@]})); then
  log "the page does not list the operations (opblock elements: $opblocks; missing: ${missing[*]:-none})"
  grep -o 'Failed to load API definition[^<]*' "$WORK/dom.html" >&2 || true
  die "API page check failed; DOM in $WORK/dom.html"
fi
if grep -q 'Failed to load API definition\|errors-wrapper' "$WORK/dom.html"; then
  die "the page reports errors; DOM in $WORK/dom.html"
fi
# "Try it out" must call the service that served the page, not the document's development
# address (servers: http://localhost:8080): the page offers its own origin as the one server.
grep -q "<option value=\"http://127.0.0.1:$HTTP_PORT\">" "$WORK/dom.html" ||
  die "the page does not offer its own origin as the server; DOM in $WORK/dom.html"
if grep -q 'localhost:8080' "$WORK/dom.html"; then
  die "the page offers the document's development server; DOM in $WORK/dom.html"
fi

mkdir -p "$(dirname "$SHOT")"
rm -f "$SHOT"
chromium_run --screenshot="$SHOT" --window-size=1280,1600 "$PAGE" >/dev/null || die "chromium screenshot failed"
[ -s "$SHOT" ] || die "no screenshot written"
log "ok: $opblocks operations rendered (${#EXPECTED_PATHS[@]} checked by path); screenshot $SHOT"
