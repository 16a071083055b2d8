#!/usr/bin/env bash
# Runs ticker-universe (target/ticker-universe-fat.jar) in the foreground; arguments are passed to
# the service (java -jar JAR "$@"), which reads its TU_* environment variables.
#
# - TU_REDIS_URL and TU_MYSQL_URL set: those servers are used and nothing is started.
# - Otherwise the missing ones are started here, project-local, loopback only, with their data
#   under .data/ (git-ignored): redis-server on TU_LOCAL_REDIS_PORT (default 6380, data in
#   .data/redis, append-only file on) and mariadbd on TU_LOCAL_MYSQL_PORT (default 3307, data in
#   .data/mariadb, created by mariadb-install-db on first use). Logs: .data/redis.log,
#   .data/mariadb.log. They are stopped again when the service ends. While they run,
#   .data/servers.env holds their URLs (`set -a; . .data/servers.env; set +a` to use them).
# - The jar is (re)built with Maven when missing or older than src/, conf/ or pom.xml.
# - TU_API_TOKENS unset: a development token is generated once into .data/dev-token and used as
#   TU_API_TOKENS and (unless set) TU_ADMIN_TOKENS.
# - Ctrl-C / SIGTERM / SIGHUP are forwarded to the service as SIGTERM (a background java started
#   by a script ignores SIGINT, so SIGTERM is what stops it gracefully); the script then stops
#   exactly the servers it started and exits with the service's exit status.
# Other knobs: JAVA_OPTS (extra JVM options), TU_LOCAL_READY_TIMEOUT (seconds, default 60).
# shellcheck disable=SC2317  # functions run from traps and through wait_ready
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DATA="$ROOT/.data"
JAR="$ROOT/target/ticker-universe-fat.jar"
REDIS_PORT="${TU_LOCAL_REDIS_PORT:-6380}"
MYSQL_PORT="${TU_LOCAL_MYSQL_PORT:-3307}"
READY_TIMEOUT="${TU_LOCAL_READY_TIMEOUT:-60}"
PACKAGES=(redis-server redis-tools mariadb-server mariadb-client)

for v in REDIS_PORT MYSQL_PORT; do
  if ! [[ ${!v} =~ ^[0-9]+$ ]] || ((${!v} < 1 || ${!v} > 65535)); then
    printf 'run.sh: TU_LOCAL_%s=%s is not a TCP port\n' "$v" "${!v}" >&2
    exit 1
  fi
done
[[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || { echo "run.sh: TU_LOCAL_READY_TIMEOUT must be a number of seconds" >&2; exit 1; }

REDIS_DIR="$DATA/redis"
MARIADB_DIR="$DATA/mariadb"
REDIS_PIDFILE="$DATA/redis.pid"
MARIADB_PIDFILE="$DATA/mariadb.pid"
SERVERS_ENV="$DATA/servers.env"

STARTED_PIDS=()   # servers this run started, stopped on exit
JAVA_PID=""

log() { printf 'run.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# ------------------------------------------------------------------------------- helpers

find_bin() { # find_bin NAME...: first executable found on PATH or in the sbin/bin folders
  local n d
  for n in "$@"; do
    if command -v "$n" >/dev/null 2>&1; then command -v "$n"; return 0; fi
    for d in /usr/sbin /usr/bin /usr/local/sbin /usr/local/bin; do
      if [ -x "$d/$n" ]; then echo "$d/$n"; return 0; fi
    done
  done
  return 1
}

running() { # running PID: the process exists and is not a zombie
  local pid="$1" stat
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [ "${stat%% *}" != "Z" ]
}

runs_in() { # runs_in PID DIR: PID is alive and its working directory is DIR (redis and mariadbd chdir to their data dir)
  local cwd
  running "$1" || return 1
  cwd="$(readlink "/proc/$1/cwd" 2>/dev/null)" || return 1
  [ "$cwd" = "$(readlink -f "$2")" ]
}

port_open() { # port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

stop_pid() { # stop_pid PID NAME: SIGTERM, wait up to 60 s, then SIGKILL
  local pid="$1" name="$2" i
  running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 600; i++)); do
    running "$pid" || break
    sleep 0.1
  done
  if running "$pid"; then
    log "$name (pid $pid) did not stop within 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true   # reap it if it is our child
}

wait_ready() { # wait_ready NAME PID LOGFILE COMMAND...: poll COMMAND until it succeeds, with a deadline
  local name="$1" pid="$2" logfile="$3"
  shift 3
  local deadline=$((SECONDS + READY_TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if ! running "$pid"; then
      log "$name exited before it became ready; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "$name did not become ready within ${READY_TIMEOUT} s; last lines of $logfile:"
      tail -n 30 "$logfile" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

redis_ping() { [ "$("$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
mariadb_ping() {
  "$MARIADB_ADMIN" --no-defaults --protocol=tcp -h127.0.0.1 -P "$MYSQL_PORT" -uroot --connect-timeout=2 ping
}

# ------------------------------------------------------------------------------- clean-up and signals

cleanup() {
  local rc=$?
  set +e
  trap 'log "still stopping; please wait"' INT TERM HUP
  if [ -n "$JAVA_PID" ] && running "$JAVA_PID"; then
    log "stopping the service (pid $JAVA_PID)"
    stop_pid "$JAVA_PID" "java"
  fi
  local i
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED_PIDS[$i]}" "server"
  done
  if ((${#STARTED_PIDS[@]} > 0)); then
    rm -f "$REDIS_PIDFILE" "$MARIADB_PIDFILE" "$SERVERS_ENV"
    log "stopped the local servers"
  fi
  exit "$rc"
}

on_signal() { # forward to the service while it runs; before that, just end (cleanup runs on EXIT)
  if [ -n "$JAVA_PID" ] && running "$JAVA_PID"; then
    log "received SIG$1, stopping the service"
    kill -TERM "$JAVA_PID" 2>/dev/null || true
  else
    case "$1" in INT) exit 130 ;; HUP) exit 129 ;; *) exit 143 ;; esac
  fi
}

trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP

# ------------------------------------------------------------------------------- what to start

NEED_REDIS=0
NEED_MARIADB=0
[ -n "${TU_REDIS_URL:-}" ] || NEED_REDIS=1
[ -n "${TU_MYSQL_URL:-}" ] || NEED_MARIADB=1

if ((NEED_REDIS || NEED_MARIADB)); then
  missing=0
  if ((NEED_REDIS)); then
    find_bin redis-server >/dev/null && find_bin redis-cli >/dev/null || missing=1
  fi
  if ((NEED_MARIADB)); then
    find_bin mariadbd mysqld >/dev/null && find_bin mariadb-install-db mysql_install_db >/dev/null \
      && find_bin mariadb-admin mysqladmin >/dev/null || missing=1
  fi
  if ((missing)); then
    if [ "$(id -u)" -eq 0 ]; then
      log "installing ${PACKAGES[*]}"
      apt-get update
      # Debian's post-install may start system daemons on 6379/3306; we use other ports.
      DEBIAN_FRONTEND=noninteractive apt-get install -y "${PACKAGES[@]}"
    else
      log "redis-server / mariadbd are missing. Install them with:"
      log "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${PACKAGES[*]}'"
      log "or set TU_REDIS_URL and TU_MYSQL_URL to servers of your own."
      exit 1
    fi
  fi
fi

# ------------------------------------------------------------------------------- build

command -v java >/dev/null 2>&1 || die "java not found: install a Java 17 runtime"

build_inputs=()
for f in src conf pom.xml; do [ -e "$f" ] && build_inputs+=("$f"); done
if [ ! -f "$JAR" ] || [ -n "$(find "${build_inputs[@]}" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  command -v mvn >/dev/null 2>&1 || die "the jar needs (re)building but mvn is not installed"
  log "building $JAR"
  mvn -B -q -DskipTests package
  [ -f "$JAR" ] || die "the build did not produce $JAR"
fi

# ------------------------------------------------------------------------------- local servers

mkdir -p "$DATA"

if ((NEED_REDIS || NEED_MARIADB)); then
  # One run.sh at a time owns the servers in .data. The lock is held by this shell only (the
  # children get fd 9 closed), so it is released when this script ends, even by kill -9.
  locked=0
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$DATA/run.lock"
    if ! flock -n 9; then
      log "another scripts/run.sh is already running with the servers in .data."
      if [ -f "$SERVERS_ENV" ]; then
        log "Stop it, or share its servers:"
        log "  env $(tr '\n' ' ' <"$SERVERS_ENV")scripts/run.sh"
      fi
      exit 1
    fi
    locked=1
  fi

  # Servers left by a run that crashed: stop exactly those (pid from .data, running in .data).
  stop_leftover() { # stop_leftover NAME PIDFILE DATADIR
    local old
    [ -f "$2" ] || return 0
    old="$(tr -dc '0-9' <"$2")"
    if [ -n "$old" ] && runs_in "$old" "$3"; then
      ((locked)) || die "$1 (pid $old) from .data is still running and flock is missing to tell whether another run.sh uses it; stop it first"
      log "stopping $1 (pid $old) left running by a previous run"
      stop_pid "$old" "$1"
    fi
    rm -f "$2"
  }
  stop_leftover redis "$REDIS_PIDFILE" "$REDIS_DIR"
  stop_leftover mariadb "$MARIADB_PIDFILE" "$MARIADB_DIR"
  rm -f "$SERVERS_ENV"

  # our own servers are gone now; whatever still answers on a port is another program
  if ((NEED_REDIS)) && port_open "$REDIS_PORT"; then
    die "port $REDIS_PORT is in use by another program; choose another with TU_LOCAL_REDIS_PORT"
  fi
  if ((NEED_MARIADB)) && port_open "$MYSQL_PORT"; then
    die "port $MYSQL_PORT is in use by another program; choose another with TU_LOCAL_MYSQL_PORT"
  fi

  if ((NEED_REDIS)); then
    REDIS_SERVER="$(find_bin redis-server)"
    REDIS_CLI="$(find_bin redis-cli)"
    mkdir -p "$REDIS_DIR"
    {
      echo
      echo "=== run.sh starting redis-server on 127.0.0.1:$REDIS_PORT at $(date -u +%FT%TZ)"
    } >>"$DATA/redis.log"
    # own session: Ctrl-C in the terminal must not reach the servers before the service has stopped
    setsid "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
      --dir "$REDIS_DIR" --daemonize no --appendonly yes --logfile "" \
      </dev/null >>"$DATA/redis.log" 2>&1 9>&- &
    REDIS_PID=$!
    STARTED_PIDS+=("$REDIS_PID")
    echo "$REDIS_PID" >"$REDIS_PIDFILE"
  fi

  if ((NEED_MARIADB)); then
    MARIADBD="$(find_bin mariadbd mysqld)"
    MARIADB_ADMIN="$(find_bin mariadb-admin mysqladmin)"
    if [ ! -d "$MARIADB_DIR" ]; then
      log "creating a MariaDB data directory in .data/mariadb"
      rm -rf "$MARIADB_DIR.tmp"
      # --auth-root-authentication-method=normal: root with an empty password over TCP
      if ! "$(find_bin mariadb-install-db mysql_install_db)" --no-defaults --datadir="$MARIADB_DIR.tmp" \
        --auth-root-authentication-method=normal --skip-test-db >"$DATA/mariadb-install.log" 2>&1 9>&-; then
        tail -n 30 "$DATA/mariadb-install.log" >&2
        die "mariadb-install-db failed (log: .data/mariadb-install.log)"
      fi
      mv "$MARIADB_DIR.tmp" "$MARIADB_DIR"   # only a complete data directory gets the real name
    fi
    # A unix socket path must fit in 108 bytes.
    MARIADB_SOCKET="$MARIADB_DIR/mariadbd.sock"
    if ((${#MARIADB_SOCKET} > 100)); then
      MARIADB_SOCKET="${TMPDIR:-/tmp}/tu-mariadb-$(id -u)-$(printf '%s' "$DATA" | cksum | cut -d' ' -f1).sock"
    fi
    # no server of ours runs on this data dir any more (checked above): stale files can go
    rm -f "$MARIADB_DIR/mariadbd.pid" "$MARIADB_SOCKET" "$MARIADB_SOCKET.lock"
    mariadb_user=()
    [ "$(id -u)" -eq 0 ] && mariadb_user=(--user=root)
    {
      echo
      echo "=== run.sh starting mariadbd on 127.0.0.1:$MYSQL_PORT at $(date -u +%FT%TZ)"
    } >>"$DATA/mariadb.log"
    setsid "$MARIADBD" --no-defaults --datadir="$MARIADB_DIR" --socket="$MARIADB_SOCKET" \
      --pid-file="$MARIADB_DIR/mariadbd.pid" --port="$MYSQL_PORT" --bind-address=127.0.0.1 \
      "${mariadb_user[@]}" --skip-name-resolve --skip-log-bin \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci --default-time-zone=+00:00 \
      </dev/null >>"$DATA/mariadb.log" 2>&1 9>&- &
    MARIADB_PID=$!
    STARTED_PIDS+=("$MARIADB_PID")
    echo "$MARIADB_PID" >"$MARIADB_PIDFILE"
  fi

  # both start at the same time; now wait for each to answer
  if ((NEED_REDIS)); then
    wait_ready "redis-server" "$REDIS_PID" "$DATA/redis.log" redis_ping
    export TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    echo "TU_REDIS_URL=$TU_REDIS_URL" >>"$SERVERS_ENV"
    log "Redis ready: $TU_REDIS_URL (pid $REDIS_PID, log .data/redis.log)"
  fi
  if ((NEED_MARIADB)); then
    wait_ready "mariadbd" "$MARIADB_PID" "$DATA/mariadb.log" mariadb_ping
    export TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe"
    echo "TU_MYSQL_URL=$TU_MYSQL_URL" >>"$SERVERS_ENV"
    log "MariaDB ready: $TU_MYSQL_URL (pid $MARIADB_PID, log .data/mariadb.log)"
  fi
else
  log "using TU_REDIS_URL and TU_MYSQL_URL; starting no servers"
fi

# ------------------------------------------------------------------------------- credentials

if [ -z "${TU_API_TOKENS:-}" ]; then
  if [ ! -s "$DATA/dev-token" ]; then
    (
      umask 077
      if command -v openssl >/dev/null 2>&1; then
        openssl rand -hex 24 >"$DATA/dev-token.tmp"
      else
        { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; echo; } >"$DATA/dev-token.tmp"
      fi
    )
    mv "$DATA/dev-token.tmp" "$DATA/dev-token"
    log "generated a development token in .data/dev-token"
  fi
  TU_API_TOKENS="$(tr -d ' \n' <"$DATA/dev-token")"
  export TU_API_TOKENS
  export TU_ADMIN_TOKENS="${TU_ADMIN_TOKENS:-$TU_API_TOKENS}"
  log "authenticate with the development token, e.g."
  log "  curl -H \"Authorization: Bearer \$(cat .data/dev-token)\" http://127.0.0.1:${TU_HTTP_PORT:-8080}/api/v1/universe"
fi

# ------------------------------------------------------------------------------- the service

java_opts=()
if [ -n "${JAVA_OPTS:-}" ]; then
  read -r -a java_opts <<<"$JAVA_OPTS"
fi

# In the background, so that this script stays to forward signals and clean up.
java "${java_opts[@]}" -jar "$JAR" "$@" 9>&- &
JAVA_PID=$!

status=0
while :; do
  wait "$JAVA_PID" && status=0 || status=$?
  running "$JAVA_PID" || break   # wait returned because a signal was trapped: keep waiting
done
# if the last wait was cut short by a signal just as java ended, fetch java's own status
if wait "$JAVA_PID" 2>/dev/null; then status=0; else s=$?; [ "$s" -ne 127 ] && status=$s; fi
JAVA_PID=""
log "the service exited with status $status"
exit "$status"
