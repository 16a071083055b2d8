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
# - The jar is (re)built with Maven when missing or older than src/, conf/, client/ or the poms.
# - TU_AUTH_API_TOKENS unset: a development token is generated once into .data/dev-token and used as
#   TU_AUTH_API_TOKENS and (unless set) TU_AUTH_ADMIN_TOKENS.
# - Ctrl-C / SIGTERM / SIGHUP are forwarded to the service as SIGTERM (a background java started
#   by a script ignores SIGINT, so SIGTERM is what stops it gracefully); the script then stops
#   exactly the servers it started and exits with the service's exit status.
# - Java 17, curl (for ./mvnw), redis-server and mariadbd are installed with apt-get when missing
#   and run as root (otherwise the command to run is printed).
# - The JVM gets the options of conf/jvm.options (a bounded memory, the Hazelcast module access),
#   then JAVA_OPTS: a later option wins (docs/OPERATIONS.md#jvm-options).
# Other knobs: TU_LOCAL_READY_TIMEOUT (seconds, default 60).
set -euo pipefail

SCRIPT_NAME=run.sh
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

DATA="$ROOT/.data"
REDIS_PORT="${TU_LOCAL_REDIS_PORT:-6380}"
MYSQL_PORT="${TU_LOCAL_MYSQL_PORT:-3307}"
READY_TIMEOUT="${TU_LOCAL_READY_TIMEOUT:-60}"

for v in REDIS_PORT MYSQL_PORT; do
  if ! [[ ${!v} =~ ^[0-9]+$ ]] || ((${!v} < 1 || ${!v} > 65535)); then
    die "TU_LOCAL_$v=${!v} is not a TCP port"
  fi
done
[[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || die "TU_LOCAL_READY_TIMEOUT must be a number of seconds"

REDIS_DIR="$DATA/redis"
MARIADB_DIR="$DATA/mariadb"
REDIS_PIDFILE="$DATA/redis.pid"
MARIADB_PIDFILE="$DATA/mariadb.pid"
SERVERS_ENV="$DATA/servers.env"

STARTED_PIDS=()   # servers this run started, stopped on exit
JAVA_PID=""

# ------------------------------------------------------------------------------- clean-up and signals

# shellcheck disable=SC2317  # reached through the EXIT trap below
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

# shellcheck disable=SC2317  # reached through the signal traps below
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

# ------------------------------------------------------------------------------- tools and build

NEED_REDIS=0
NEED_MARIADB=0
[ -n "${TU_REDIS_URL:-}" ] || NEED_REDIS=1
[ -n "${TU_MYSQL_URL:-}" ] || NEED_MARIADB=1

packages=()
read -r -a packages <<<"$(build_packages | tr '\n' ' ')"
if ((NEED_REDIS || NEED_MARIADB)); then
  read -r -a more <<<"$(server_packages | tr '\n' ' ')"
  packages+=("${more[@]}")
fi
((${#packages[@]} == 0)) || install_packages "${packages[@]}"

build_jar_if_stale

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
    {
      echo
      echo "=== run.sh starting redis-server on 127.0.0.1:$REDIS_PORT at $(date -u +%FT%TZ)"
    } >>"$DATA/redis.log"
    start_redis "$REDIS_PORT" "$REDIS_DIR" "$DATA/redis.log" --appendonly yes
    STARTED_PIDS+=("$REDIS_PID")
    echo "$REDIS_PID" >"$REDIS_PIDFILE"
  fi

  if ((NEED_MARIADB)); then
    if [ ! -d "$MARIADB_DIR" ]; then
      log "creating a MariaDB data directory in .data/mariadb"
      init_mariadb_datadir "$MARIADB_DIR" "$DATA/mariadb-install.log"
    fi
    # no server of ours runs on this data dir any more (checked above): stale files can go
    rm -f "$MARIADB_DIR/mariadbd.pid" "$MARIADB_DIR/mariadbd.sock" "$MARIADB_DIR/mariadbd.sock.lock"
    {
      echo
      echo "=== run.sh starting mariadbd on 127.0.0.1:$MYSQL_PORT at $(date -u +%FT%TZ)"
    } >>"$DATA/mariadb.log"
    start_mariadbd "$MARIADB_DIR" "$MYSQL_PORT" "$DATA/mariadb.log"
    STARTED_PIDS+=("$MARIADB_PID")
    echo "$MARIADB_PID" >"$MARIADB_PIDFILE"
  fi

  # both start at the same time; now wait for each to answer
  if ((NEED_REDIS)); then
    wait_ready "redis-server" "$REDIS_PID" "$DATA/redis.log" redis_ping "$REDIS_PORT"
    export TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
    echo "TU_REDIS_URL=$TU_REDIS_URL" >>"$SERVERS_ENV"
    log "Redis ready: $TU_REDIS_URL (pid $REDIS_PID, log .data/redis.log)"
  fi
  if ((NEED_MARIADB)); then
    wait_ready "mariadbd" "$MARIADB_PID" "$DATA/mariadb.log" mariadb_ping "$MYSQL_PORT"
    export TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe"
    echo "TU_MYSQL_URL=$TU_MYSQL_URL" >>"$SERVERS_ENV"
    log "MariaDB ready: $TU_MYSQL_URL (pid $MARIADB_PID, log .data/mariadb.log)"
  fi
else
  log "using TU_REDIS_URL and TU_MYSQL_URL; starting no servers"
fi

# ------------------------------------------------------------------------------- credentials

if [ -z "${TU_AUTH_API_TOKENS:-}" ]; then
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
  TU_AUTH_API_TOKENS="$(tr -d ' \n' <"$DATA/dev-token")"
  export TU_AUTH_API_TOKENS
  export TU_AUTH_ADMIN_TOKENS="${TU_AUTH_ADMIN_TOKENS:-$TU_AUTH_API_TOKENS}"
  log "authenticate with the development token, e.g."
  log "  curl -H \"Authorization: Bearer \$(cat .data/dev-token)\" http://127.0.0.1:${TU_HTTP_PORT:-8080}/api/v1/universe"
fi

# ------------------------------------------------------------------------------- the service

service_java_opts   # JAVA_ARGS: @conf/jvm.options, then JAVA_OPTS
log "JVM options: $(java_args_text)"

# In the background, so that this script stays to forward signals and clean up.
java "${JAVA_ARGS[@]}" -jar "$JAR" "$@" 9>&- &
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
