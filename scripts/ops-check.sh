#!/usr/bin/env bash
# Proves ops/prometheus/alerts.yml and ops/grafana/*.json against a real Prometheus scraping a
# real service: starts its own Redis, MariaDB, service (2-second buckets, so its own flush timer
# runs too) and Debian's `prometheus` binary on free loopback ports in a temporary folder, drives
# a little traffic, waits for two scrapes after it, then (scripts/lib/promql_check.py) evaluates
# every rule and panel expression through the query API and checks that every metric name they
# reference was scraped. Prints
#   ops-check: N rules, M expressions evaluated, K metric names present
# and exits non-zero naming each missing metric or failed query. Stops exactly what it started.
#
# Missing packages (Java 17, Redis, MariaDB, prometheus, python3) are installed with apt-get when
# run as root; the jar is (re)built when stale. OPS_CHECK_KEEP=1 keeps the folder and its logs.
set -euo pipefail

SCRIPT_NAME=ops-check.sh
READY_TIMEOUT=60
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

ALERTS=ops/prometheus/alerts.yml   # relative to $ROOT, which is the working directory
DASHBOARDS=(ops/grafana/*.json)

# ------------------------------------------------------------------------------- tools and build

need=()
find_bin prometheus >/dev/null || need+=(prometheus)
find_bin python3 >/dev/null || need+=(python3)
find_bin curl >/dev/null || need+=(curl)
read -r -a more <<<"$({ build_packages; server_packages; } | tr '\n' ' ')"
need+=("${more[@]}")
install_packages "${need[@]}"
build_jar_if_stale

# ------------------------------------------------------------------------------- processes

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-ops-check.XXXXXX")"

cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  stop_started "$rc" "${OPS_CHECK_KEEP:-0}"
  exit "$rc"
}
trap cleanup EXIT
exit_on_signals

start_local_stores --save '' --appendonly no
free_port HTTP_PORT
free_port PROM_PORT
log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, service :$HTTP_PORT, Prometheus :$PROM_PORT"

API_TOKEN="ops-api-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ADMIN_TOKEN="ops-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
service_java_opts   # the JVM options run.sh uses, so this also proves they start the service
# 2-second buckets (grace and lease 1 s, both shorter than the bucket, as the service requires):
# the service's own flush timer then runs within the check, beside the admin flush.
env TU_HTTP_PORT="$HTTP_PORT" TU_HTTP_HOST=127.0.0.1 \
  TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" \
  TU_AUTH_API_TOKENS="$API_TOKEN" TU_AUTH_ADMIN_TOKENS="$ADMIN_TOKEN" \
  TU_BUFFER_BUCKET_SECONDS=2 TU_FLUSH_GRACE_SECONDS=1 TU_FLUSH_LEASE_SECONDS=1 \
  setsid java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$WORK/service.log" 2>&1 &
STARTED+=("$! service")
SERVICE_PID=$!
BASE="http://127.0.0.1:$HTTP_PORT"

# /metrics on the API port needs an admin token: Prometheus reads it from a file only it and this
# script can read (a throw-away token of this run, removed with $WORK).
(umask 077 && printf '%s' "$ADMIN_TOKEN" >"$WORK/scrape-token")
cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/$ALERTS
scrape_configs:
  - job_name: ticker-universe
    metrics_path: /metrics
    authorization:
      credentials_file: $WORK/scrape-token
    static_configs:
      - targets: ["127.0.0.1:$HTTP_PORT"]
EOF
PROM="http://127.0.0.1:$PROM_PORT"
setsid "$(find_bin prometheus)" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn </dev/null >"$WORK/prometheus.log" 2>&1 &
STARTED+=("$! prometheus")
PROM_PID=$!

service_ready() { curl -fsS -o /dev/null --max-time 2 "$BASE/health/ready"; }
prom_ready() { curl -fsS -o /dev/null --max-time 2 "$PROM/-/ready"; }
wait_ready service "$SERVICE_PID" "$WORK/service.log" service_ready
wait_ready prometheus "$PROM_PID" "$WORK/prometheus.log" prom_ready
log "all ready"

# ------------------------------------------------------------------------------- traffic

call() { # call EXPECTED_STATUS METHOD PATH TOKEN [BODY]
  local want="$1" method="$2" path="$3" token="$4" body="${5:-}" got
  got="$(curl -sS --max-time 30 -o "$WORK/last-body" -w '%{http_code}' -X "$method" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${body:+-d "$body"} "$BASE$path")"
  [ "$got" = "$want" ] || die "$method $path answered $got, expected $want: $(head -c 300 "$WORK/last-body")"
}
for i in 1 2 3 4 5; do
  call 202 POST /api/v1/tickers/buffer "$API_TOKEN" "{\"tickers\":[\"AAPL\",\"VOD.L\",\"T$i.DE\"]}"
done
call 400 POST /api/v1/tickers/buffer "$API_TOKEN" '{"tickers":["not a ticker!"]}'   # an error status per route
call 200 GET /api/v1/universe "$API_TOKEN"
sleep 3   # past the 2-second bucket and its 1-second grace, so the admin flush has a closed bucket
call 200 POST /api/v1/admin/flush "$ADMIN_TOKEN"
call 200 POST /api/v1/admin/evict "$ADMIN_TOKEN"
call 200 GET /health/live "$API_TOKEN"

# Two scrapes that began after the traffic: the newest sample of `up` is then 2+ s newer than it.
t0="$(date +%s)"
deadline=$((SECONDS + 30))
until [ "$(curl -fsS --max-time 2 "$PROM/api/v1/query" --data-urlencode 'query=timestamp(up{job="ticker-universe"}) - '"$t0"' > 2' \
  | grep -c '"value"')" -gt 0 ]; do
  ((SECONDS < deadline)) || die "Prometheus did not scrape the service twice within 30 s (see $WORK/prometheus.log)"
  sleep 0.5
done

# ------------------------------------------------------------------------------- the check

python3 "$ROOT/scripts/lib/promql_check.py" "$PROM" "$ALERTS" "${DASHBOARDS[@]}"
