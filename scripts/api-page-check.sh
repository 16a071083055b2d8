#!/usr/bin/env bash
# Renders the API page (GET /api/v1/docs: Swagger UI served by the service itself) in headless
# Chromium and checks that it shows the operations of the OpenAPI document; writes a screenshot
# to target/api-docs.png.
#
# Standalone: builds the jar when missing or older than src/, conf/ or pom.xml; starts its own
# Redis, MariaDB and service on free loopback ports in a temporary folder (as scripts/bench.sh
# does) and stops exactly those processes, by pid, on exit. Missing tools (chromium, redis-server,
# mariadb-server, curl) are installed with apt-get when run as root; otherwise the command is
# printed. Every wait has a deadline. Exit status 0 when the page renders the operations.
#
# Knobs (environment): API_PAGE_KEEP=1 keeps the temporary folder and its logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

READY_TIMEOUT=120
JAR="$ROOT/target/ticker-universe-fat.jar"
SHOT="$ROOT/target/api-docs.png"
# Operations the rendered page must list (paths of the document).
EXPECTED_PATHS=(/api/v1/tickers/buffer /api/v1/tickers/refresh /api/v1/tickers/upsert /api/v1/universe
  /api/v1/admin/flush /api/v1/admin/evict /health/ready /metrics)

log() { printf 'api-page-check.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

find_bin() { # first executable of the names, on PATH or in the sbin/bin folders
  local n d
  for n in "$@"; do
    if command -v "$n" >/dev/null 2>&1; then command -v "$n"; return 0; fi
    for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
      [ -x "$d/$n" ] && { echo "$d/$n"; return 0; }
    done
  done
  return 1
}

need=()
find_bin chromium chromium-browser >/dev/null || need+=(chromium)
{ find_bin redis-server >/dev/null && find_bin redis-cli >/dev/null; } || need+=(redis-server redis-tools)
{ find_bin mariadbd mysqld >/dev/null && find_bin mariadb-install-db mysql_install_db >/dev/null; } || need+=(mariadb-server)
find_bin mariadb-admin mysqladmin >/dev/null || need+=(mariadb-client)
find_bin curl >/dev/null || need+=(curl)
if ((${#need[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    log "installing ${need[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
  else
    log "missing tools; install them with:"
    log "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need[*]}'"
    exit 1
  fi
fi
command -v java >/dev/null || die "java not found: install a Java 17 runtime"
CHROMIUM="$(find_bin chromium chromium-browser)"
REDIS_SERVER="$(find_bin redis-server)"
REDIS_CLI="$(find_bin redis-cli)"
MARIADBD="$(find_bin mariadbd mysqld)"
MARIADB_ADMIN="$(find_bin mariadb-admin mysqladmin)"
MARIADB_INSTALL_DB="$(find_bin mariadb-install-db mysql_install_db)"

build_inputs=()
for f in src conf pom.xml; do [ -e "$f" ] && build_inputs+=("$f"); done
if [ ! -f "$JAR" ] || [ -n "$(find "${build_inputs[@]}" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  command -v mvn >/dev/null || die "$JAR is missing or stale and mvn is not installed"
  log "building $JAR"
  mvn -B -q -DskipTests package
  [ -f "$JAR" ] || die "the build did not produce $JAR"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-api-page.XXXXXX")"
STARTED=() # "pid name", in start order; stopped in reverse on exit

running() {
  local stat
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != "Z" ]
}

stop_pid() { # stop_pid PID NAME: SIGTERM, up to 30 s, then SIGKILL
  local pid="$1" i
  running "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    running "$pid" || break
    sleep 0.1
  done
  if running "$pid"; then
    log "$2 (pid $pid) did not stop within 30 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$? i
  set +e
  trap '' INT TERM HUP
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED[$i]%% *}" "${STARTED[$i]#* }"
  done
  if [ "${API_PAGE_KEEP:-0}" = 1 ] || ((rc != 0)); then
    log "logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

TAKEN=" "
EPHEMERAL_LOW="$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
((EPHEMERAL_LOW > 12000)) || EPHEMERAL_LOW=32768
free_port() { # a loopback port nobody listens on (bounded tries)
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
    [[ $TAKEN == *" $p "* ]] && continue
    if ! port_open "$p"; then TAKEN+="$p "; echo "$p"; return 0; fi
  done
  die "found no free port"
}

wait_until() { # wait_until NAME PID LOGFILE COMMAND...: poll COMMAND, deadline READY_TIMEOUT
  local name="$1" pid="$2" logfile="$3" deadline=$((SECONDS + READY_TIMEOUT))
  shift 3
  until "$@" >/dev/null 2>&1; do
    running "$pid" || { tail -n 40 "$logfile" >&2; die "$name exited before it became ready"; }
    ((SECONDS < deadline)) || { tail -n 40 "$logfile" >&2; die "$name was not ready within $READY_TIMEOUT s"; }
    sleep 0.1
  done
}

REDIS_PORT="$(free_port)"
MYSQL_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
MYSQL_DIR="$WORK/mariadb"
mkdir -p "$WORK/redis"
log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, service :$HTTP_PORT"

setsid "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$WORK/redis" --logfile "" </dev/null >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
STARTED+=("$REDIS_PID redis-server")

"$MARIADB_INSTALL_DB" --no-defaults --datadir="$MYSQL_DIR" --auth-root-authentication-method=normal \
  --skip-test-db >"$WORK/mariadb-install.log" 2>&1 || { tail -n 30 "$WORK/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
mariadb_user=()
[ "$(id -u)" -eq 0 ] && mariadb_user=(--user=root)
setsid "$MARIADBD" --no-defaults --datadir="$MYSQL_DIR" --socket="$MYSQL_DIR/s.sock" \
  --pid-file="$MYSQL_DIR/mariadbd.pid" --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
  "${mariadb_user[@]}" --skip-log-bin --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci --default-time-zone=+00:00 \
  </dev/null >"$WORK/mariadb.log" 2>&1 &
MYSQL_PID=$!
STARTED+=("$MYSQL_PID mariadbd")

redis_ping() { [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
mariadb_ping() { "$MARIADB_ADMIN" --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot --connect-timeout=2 ping; }
wait_until redis-server "$REDIS_PID" "$WORK/redis.log" redis_ping
wait_until mariadbd "$MYSQL_PID" "$WORK/mariadb.log" mariadb_ping

# Tokens are required to start; the page itself needs none.
env TU_HTTP_PORT="$HTTP_PORT" TU_HTTP_HOST=127.0.0.1 \
  TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" \
  TU_API_TOKENS="page-check-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" \
  setsid java -jar "$JAR" </dev/null >"$WORK/service.log" 2>&1 &
JAVA_PID=$!
STARTED+=("$JAVA_PID service")
PAGE="http://127.0.0.1:$HTTP_PORT/api/v1/docs"
service_ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/ready"; }
wait_until service "$JAVA_PID" "$WORK/service.log" service_ready

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

mkdir -p "$(dirname "$SHOT")"
rm -f "$SHOT"
chromium_run --screenshot="$SHOT" --window-size=1280,1600 "$PAGE" >/dev/null || die "chromium screenshot failed"
[ -s "$SHOT" ] || die "no screenshot written"
log "ok: $opblocks operations rendered (${#EXPECTED_PATHS[@]} checked by path); screenshot $SHOT"
