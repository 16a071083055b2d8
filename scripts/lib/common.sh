# shellcheck shell=bash
# Helpers shared by scripts/run.sh, scripts/bench.sh, scripts/test.sh and scripts/ops-check.sh.
# Sourced, never run: it defines functions and constants and starts nothing. Before sourcing, a
# script sets SCRIPT_NAME (the prefix of its log lines) and, if it waits for servers,
# READY_TIMEOUT (seconds).

# The repository root, whichever script sourced this file.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/target/ticker-universe-fat.jar"
SCRIPT_NAME="${SCRIPT_NAME:-$(basename "$0")}"
READY_TIMEOUT="${READY_TIMEOUT:-60}"

# ------------------------------------------------------------------------------- JVM options
# conf/jvm.options is the one definition of the service's JVM options, passed to java as an
# argument file (docs/OPERATIONS.md#jvm-options).
JVM_OPTIONS_FILE="$ROOT/conf/jvm.options"

# service_java_opts: fills the array JAVA_ARGS with @conf/jvm.options and then JAVA_OPTS (split on
# blanks). Coming later, an option of JAVA_OPTS wins over the file's (e.g. -Xmx512m).
service_java_opts() {
  local extra=()
  read -r -a extra <<<"${JAVA_OPTS:-}"
  # shellcheck disable=SC2034  # the function's result, read by the script that calls it
  JAVA_ARGS=("@$JVM_OPTIONS_FILE" "${extra[@]}")
}

java_args_text() { # java_args_text: the options JAVA_ARGS stands for, the file's spelt out (for logs and reports)
  awk '{ sub(/#.*/, ""); for (i = 1; i <= NF; i++) printf "%s ", $i }' "$JVM_OPTIONS_FILE"
  printf '%s\n' "${JAVA_OPTS:-}"
}

# ------------------------------------------------------------------------------- logging

log() { printf '%s: %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { log "$*"; exit 1; }

# ------------------------------------------------------------------------------- binaries and packages

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

install_packages() { # install_packages PKG...: apt-get install as root; otherwise print the command and exit
  (($#)) || return 0
  if [ "$(id -u)" -eq 0 ]; then
    log "installing $*"
    apt-get update
    # Debian's post-install may start system daemons (6379, 3306, 9090); the scripts never use them.
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
  else
    log "missing packages; install them with:"
    log "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $*'"
    exit 1
  fi
}

java_major() { # java_major: the feature version of the java on PATH (e.g. 17), empty when none
  command -v java >/dev/null 2>&1 || return 0
  java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2; exit }'
}

build_packages() { # build_packages: the packages the build needs that are missing (Java 17 JDK; curl for ./mvnw)
  local v
  v="$(java_major)"
  if [ -z "$v" ] || ((${v%%.*} < 17)) || ! command -v javac >/dev/null 2>&1; then
    echo openjdk-17-jdk-headless
  fi
  # ./mvnw downloads Maven once with curl or wget (a bare Debian has neither).
  if ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
    echo curl ca-certificates
  fi
}

build_jar_if_stale() { # build_jar_if_stale: ./mvnw package when the jar is missing or older than its inputs
  local inputs=() f
  for f in src conf client/src client/pom.xml pom.xml service-pom.xml; do [ -e "$ROOT/$f" ] && inputs+=("$ROOT/$f"); done
  if [ ! -f "$JAR" ] || [ -n "$(find "${inputs[@]}" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
    log "building $JAR"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
    [ -f "$JAR" ] || die "the build did not produce $JAR"
  fi
}

# ------------------------------------------------------------------------------- processes

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

stop_pid() { # stop_pid PID NAME [SECONDS]: SIGTERM, wait up to SECONDS (60), then SIGKILL; reaps our children
  local pid="$1" name="$2" secs="${3:-60}" i
  running "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    running "$pid" || break
    sleep 0.1
  done
  if running "$pid"; then
    log "$name (pid $pid) did not stop within $secs s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

wait_ready() { # wait_ready NAME PID LOGFILE COMMAND...: poll COMMAND until it succeeds, deadline READY_TIMEOUT
  local name="$1" pid="$2" logfile="$3" deadline=$((SECONDS + READY_TIMEOUT))
  shift 3
  until "$@" >/dev/null 2>&1; do
    if ! running "$pid"; then
      log "$name exited before it became ready; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "$name did not become ready within ${READY_TIMEOUT} s; last lines of $logfile:"
      tail -n 40 "$logfile" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
}

# ------------------------------------------------------------------------------- ports

port_open() { # port_open PORT: something accepts TCP connections on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

TAKEN=" "
# below the kernel's ephemeral range, so that no outgoing connection holds the port as its own end
EPHEMERAL_LOW="$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
((EPHEMERAL_LOW > 12000)) || EPHEMERAL_LOW=32768
free_port() { # free_port VAR: sets VAR to a loopback port nobody listens on and this script has not handed out
  # (a variable, not output: in a $(...) subshell the record of handed-out ports would be lost)
  local p i
  for ((i = 0; i < 200; i++)); do
    p=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
    [[ $TAKEN == *" $p "* ]] && continue
    if ! port_open "$p"; then TAKEN+="$p "; printf -v "$1" '%s' "$p"; return 0; fi
  done
  die "found no free port"
}

# ------------------------------------------------------------------------------- Redis and MariaDB
# Started in their own session (setsid): Ctrl-C in the terminal must not reach the servers before
# the service has stopped. fd 9 (run.sh's lock) is closed in them so the lock dies with the script.

redis_ping() { # redis_ping PORT
  [ "$("$(find_bin redis-cli)" -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]
}

mariadb_ping() { # mariadb_ping PORT
  "$(find_bin mariadb-admin mysqladmin)" --no-defaults --protocol=tcp -h127.0.0.1 -P "$1" -uroot --connect-timeout=2 ping
}

# The processes themselves (binary, flags) are defined once, in lib/local-stores.sh, which the test
# support uses too; these functions only add the session, the log file and the pid.
LOCAL_STORES="$ROOT/scripts/lib/local-stores.sh"

start_redis() { # start_redis PORT DIR LOGFILE [REDIS-ARG...]: loopback redis-server in DIR; sets REDIS_PID
  local port="$1" dir="$2" logfile="$3"
  shift 3
  setsid "$LOCAL_STORES" redis "$port" "$dir" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  REDIS_PID=$!
}

init_mariadb_datadir() { # init_mariadb_datadir DIR LOGFILE: a fresh data directory with root, empty password over TCP
  if ! "$LOCAL_STORES" mariadb-init "$1" >"$2" 2>&1 9>&-; then
    tail -n 30 "$2" >&2
    die "mariadb-install-db failed (log: $2)"
  fi
}

start_mariadbd() { # start_mariadbd DIR PORT LOGFILE [MARIADBD-ARG...]: loopback mariadbd on DIR; sets MARIADB_PID
  local dir="$1" port="$2" logfile="$3"
  shift 3
  setsid "$LOCAL_STORES" mariadb "$port" "$dir" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  MARIADB_PID=$!
}

server_packages() { # server_packages: the Debian packages missing for local Redis and MariaDB servers (and the tests' openssl)
  { find_bin redis-server >/dev/null && find_bin redis-cli >/dev/null; } || echo redis-server redis-tools
  { find_bin mariadbd mysqld >/dev/null && find_bin mariadb-install-db mysql_install_db >/dev/null \
    && find_bin mariadb-admin mysqladmin >/dev/null; } || echo mariadb-server mariadb-client
  # it.cluster.ClusterTlsIT makes its CAs and node certificates with scripts/cluster-certs.sh
  find_bin openssl >/dev/null || echo openssl
}

# ------------------------------------------------------------------------------- a throw-away stack
# For the scripts that start their own servers in a temporary folder WORK (bench, ops-check,
# api-page-check, soak). STARTED holds "PID NAME" of each process, in start order.

STARTED=()

start_local_stores() { # start_local_stores [REDIS-ARG...]: Redis and MariaDB on free ports under $WORK; sets REDIS_PORT, MYSQL_PORT
  free_port REDIS_PORT
  free_port MYSQL_PORT
  start_redis "$REDIS_PORT" "$WORK/redis" "$WORK/redis.log" "$@"
  STARTED+=("$REDIS_PID redis-server")
  init_mariadb_datadir "$WORK/mariadb" "$WORK/mariadb-install.log"
  start_mariadbd "$WORK/mariadb" "$MYSQL_PORT" "$WORK/mariadb.log"
  STARTED+=("$MARIADB_PID mariadbd")
  wait_ready redis-server "$REDIS_PID" "$WORK/redis.log" redis_ping "$REDIS_PORT"
  wait_ready mariadbd "$MARIADB_PID" "$WORK/mariadb.log" mariadb_ping "$MYSQL_PORT"
}

stop_started() { # stop_started STATUS KEEP: stops STARTED newest first; keeps $WORK when KEEP=1 or STATUS≠0
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED[$i]%% *}" "${STARTED[$i]#* }" 30
  done
  if [ "$2" = 1 ] || (($1 != 0)); then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}

exit_on_signals() { # exit_on_signals: Ctrl-C, SIGTERM and SIGHUP end the script through its EXIT trap
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}
