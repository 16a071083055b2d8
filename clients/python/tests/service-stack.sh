#!/usr/bin/env bash
# The real service stack of the Python client's tests (tests/conftest.py starts it once per test
# session): throw-away Redis and MariaDB on free loopback ports, then one service process
# (target/ticker-universe-fat.jar, never built here) per DIR/NAME.env file, each with its own
# MariaDB database `tu_NAME` and the settings of its file (KEY=VALUE lines, after the defaults
# below, so they win). Everything is started the way scripts/ops-check.sh and
# scripts/api-page-check.sh do it, through scripts/lib/common.sh: the same JVM options, free ports,
# deadlines and pid-by-pid stop.
#
# Usage: service-stack.sh DIR   (DIR exists and holds the *.env files; removed on a clean stop)
# Prints on standard output, once everything answers /health/ready:
#   redis PORT / mysql PORT / service NAME URL (one per file) / ready
# and then runs until its standard input closes (the test session ended, or died) or it gets
# SIGTERM/SIGINT; it then stops exactly what it started. A failure prints the log tail and exits
# non-zero; PY_CLIENT_STACK_KEEP=1 keeps DIR and the logs.
set -euo pipefail

SCRIPT_NAME=py-client-stack
READY_TIMEOUT="${READY_TIMEOUT:-180}" # two JVMs starting side by side on a loaded 2-core machine
# shellcheck source=SCRIPTDIR/../../../scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib/common.sh"
cd "$ROOT"

WORK="${1:?usage: service-stack.sh DIR}"
[ -d "$WORK" ] || die "no directory $WORK"
[ -f "$JAR" ] || die "no $JAR: build it first (./mvnw -q -DskipTests package)"
envs=("$WORK"/*.env)
[ -e "${envs[0]}" ] || die "no *.env file in $WORK"

cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  stop_started "$rc" "${PY_CLIENT_STACK_KEEP:-0}"
  exit "$rc"
}
trap cleanup EXIT
exit_on_signals

start_local_stores --save '' --appendonly no
service_java_opts

names=() ports=() pids=()
for f in "${envs[@]}"; do
  name="$(basename "$f" .env)"
  [[ $name =~ ^[a-z][a-z0-9_]*$ ]] || die "service name '$name' must be lower-case letters, digits, _"
  free_port port
  settings=()
  while IFS= read -r line || [ -n "$line" ]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    [[ $line == TU_*=* ]] || die "$f: not a TU_KEY=VALUE line: $line"
    settings+=("$line")
  done <"$f"
  env TU_HTTP_PORT="$port" TU_HTTP_HOST=127.0.0.1 \
    TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/tu_$name" \
    "${settings[@]}" \
    setsid java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$WORK/$name.log" 2>&1 &
  pids+=("$!")
  STARTED+=("$! service-$name")
  names+=("$name")
  ports+=("$port")
done

echo "redis $REDIS_PORT"
echo "mysql $MYSQL_PORT"
for i in "${!names[@]}"; do
  wait_ready "service ${names[$i]}" "${pids[$i]}" "$WORK/${names[$i]}.log" \
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:${ports[$i]}/health/ready"
  echo "service ${names[$i]} http://127.0.0.1:${ports[$i]}"
done
log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, services: ${names[*]} on ${ports[*]}"
echo ready

# `read` is a builtin, so a trapped signal interrupts it at once (a child such as `cat` would
# delay the trap until it ended).
while IFS= read -r _; do :; done
