#!/usr/bin/env bash
# Proves the event-bus client from another project: builds examples/sibling-verticle (which depends
# on ticker-universe-client from the local Maven repository, never on the service), starts its own
# Redis, MariaDB and a clustered service (TU_CLUSTER_ENABLED=true, Hazelcast TCP-IP join on loopback, a
# cluster name of this run, clear-text event bus; privacy profile off and 2-second buckets so the
# service's own flush timer publishes within seconds) on free loopback ports in a temporary folder,
# then runs the example, which joins the cluster, buffers tickers through UniverseClient, lists the
# universe and waits for a `flushed` event (bounded: 90 s). Exits with the example's status.
#
# Needs `./mvnw install` first (scripts/test.sh runs it); the service jar is (re)built when stale.
# SIBLING_CHECK_KEEP=1 keeps the folder and its logs.
set -euo pipefail

SCRIPT_NAME=sibling-check.sh
READY_TIMEOUT=90
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

need=()
find_bin curl >/dev/null || need+=(curl)
read -r -a more <<<"$({ build_packages; server_packages; } | tr '\n' ' ')"
need+=("${more[@]}")
install_packages "${need[@]}"
build_jar_if_stale

EXAMPLE=examples/sibling-verticle
log "building $EXAMPLE"
./mvnw -B -q -f "$EXAMPLE/pom.xml" package
EXAMPLE_JAR="$ROOT/$EXAMPLE/target/sibling-verticle.jar"
[ -f "$EXAMPLE_JAR" ] || die "the build did not produce $EXAMPLE_JAR"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-sibling-check.XXXXXX")"

cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  stop_started "$rc" "${SIBLING_CHECK_KEEP:-0}"
  exit "$rc"
}
trap cleanup EXIT
exit_on_signals

start_local_stores --save '' --appendonly no
free_port HTTP_PORT
free_port HZ_PORT
free_port SIBLING_HZ_PORT
CLUSTER_NAME="tu-sibling-check-$$-$RANDOM"
log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, service :$HTTP_PORT, Hazelcast :$HZ_PORT (cluster $CLUSTER_NAME)"

service_java_opts
# The example's own Hazelcast port is another free one; both list the service as the member to join.
env TU_HTTP_PORT="$HTTP_PORT" TU_HTTP_HOST=127.0.0.1 \
  TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" \
  TU_CLUSTER_ENABLED=true TU_CLUSTER_NAME="$CLUSTER_NAME" TU_CLUSTER_HOST=127.0.0.1 \
  TU_CLUSTER_PORT="$HZ_PORT" TU_CLUSTER_MEMBERS="127.0.0.1:$HZ_PORT" \
  TU_AUTH_DISABLED=true TU_PRIVACY_PROFILE=off \
  TU_BUFFER_BUCKET_SECONDS=2 TU_FLUSH_GRACE_SECONDS=1 TU_FLUSH_LEASE_SECONDS=1 \
  setsid java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$WORK/service.log" 2>&1 &
STARTED+=("$! service")
SERVICE_PID=$!
service_ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$HTTP_PORT/health/ready"; }
wait_ready service "$SERVICE_PID" "$WORK/service.log" service_ready
log "service ready; running the example"

status=0
SIBLING_CLUSTER_NAME="$CLUSTER_NAME" SIBLING_CLUSTER_MEMBERS="127.0.0.1:$HZ_PORT" \
  SIBLING_CLUSTER_PORT="$SIBLING_HZ_PORT" SIBLING_TICKERS="ZZSIB1.L,ZZSIB2.DE,ZZSIB3" SIBLING_TIMEOUT_SECONDS=90 \
  timeout 180 java "${JAVA_ARGS[@]}" -jar "$EXAMPLE_JAR" </dev/null >"$WORK/sibling.log" 2>&1 || status=$?
grep -v -e '^[A-Z][a-z][a-z] [0-9]' -e '^INFO:' -e '^WARNING:' "$WORK/sibling.log" | grep '^sibling\|^buffered\|^universe\|^flushed\|^not all' >&2 || true
if ((status != 0)); then
  log "the example failed (status $status); last lines of $WORK/sibling.log:"
  tail -n 40 "$WORK/sibling.log" >&2
  exit 1
fi
log "passed"
