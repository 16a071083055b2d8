#!/usr/bin/env bash
# Soak test (not part of mvn verify): SOAK_SECONDS (600) of mixed load against a service started
# the way scripts/bench.sh starts one (its own Redis, MariaDB and jar on free loopback ports in a
# temporary folder), then a report:
#
#   errors     answers that were neither the documented success nor a documented refusal: must be 0
#   heap       heap in use right after a full GC (jcmd GC.run + jstat), at the start (after a warm-up
#              that puts every ticker of the pool into the universe) and at the end: flat within 10%
#   rows       rows in MySQL = distinct tickers acknowledged with 202, after the last flush
#
# Load: SOAK_WORKERS (4) curl loops each uploading a ticker drawn from a fixed pool of SOAK_TICKERS
# (5000) per request — a fixed pool, so that the universe (held in memory twice) stops growing
# after the warm-up and heap growth would mean a leak — every 10th request a universe read, every
# 20th a refresh; 10 s buckets, so the service's own timer flushes every 10 s (lease 5 s); an
# admin eviction every 60 s.
# Knobs: SOAK_SECONDS, SOAK_WORKERS, SOAK_TICKERS, JAVA_OPTS (after conf/jvm.options),
# SOAK_KEEP=1 (keep the folder and logs). Stops exactly the processes it started, by pid.
set -euo pipefail

SCRIPT_NAME=soak.sh
READY_TIMEOUT=120
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"
SOAK_SECONDS="${SOAK_SECONDS:-600}"
WORKERS="${SOAK_WORKERS:-4}"
TICKERS="${SOAK_TICKERS:-5000}"
for v in SOAK_SECONDS WORKERS TICKERS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer"
done
REDIS_CLI="$(find_bin redis-cli)" || die "redis-cli missing (apt-get install redis-tools)"
MARIADB="$(find_bin mariadb mysql)" || die "mariadb client missing"
for t in curl jcmd jstat; do command -v "$t" >/dev/null || die "$t missing"; done
build_jar_if_stale

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-soak.XXXXXX")"
cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM HUP
  stop_started "$rc" "${SOAK_KEEP:-0}"
  exit "$rc"
}
trap cleanup EXIT
exit_on_signals

# Persistence as the README asks for: AOF, fsync every second.
start_local_stores --save '' --appendonly yes --appendfsync everysec
free_port HTTP_PORT
rcli() { "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
sqlc() { "$MARIADB" --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot -N -B "$@"; }

TOKEN="soak-api-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ADMIN="soak-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
service_java_opts   # the documented JVM options (conf/jvm.options, then JAVA_OPTS)
env TU_HTTP_HOST=127.0.0.1 TU_HTTP_PORT="$HTTP_PORT" TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" TU_AUTH_API_TOKENS="$TOKEN" TU_AUTH_ADMIN_TOKENS="$ADMIN" \
  TU_BUFFER_BUCKET_SECONDS=10 TU_FLUSH_GRACE_SECONDS=1 TU_FLUSH_LEASE_SECONDS=5 \
  TU_BUFFER_RATE_PER_TOKEN=0 \
  java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$WORK/service.log" 2>&1 &
JAVA_PID=$!
STARTED+=("$JAVA_PID service")
BASE="http://127.0.0.1:$HTTP_PORT"
wait_ready service "$JAVA_PID" "$WORK/service.log" curl -fsS --max-time 2 "$BASE/health/ready"
log "ready; ${SOAK_SECONDS}s of load with $WORKERS workers (folder $WORK)"

heap_after_gc() { # KiB in use right after a full collection (survivors + eden + old)
  jcmd "$JAVA_PID" GC.run >/dev/null
  # the live objects by class, to compare start and end when the heap grew (kept with SOAK_KEEP=1)
  jcmd "$JAVA_PID" GC.class_histogram 2>/dev/null | head -n 40 >"$WORK/histogram.$SECONDS" || true
  jstat -gc "$JAVA_PID" | awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i }
    NR == 2 { printf "%d\n", $c["S0U"] + $c["S1U"] + $c["EU"] + $c["OU"] }'
}

call() { # call EXPECTED METHOD PATH [BODY]: prints the status; counts an unexpected one as an error
  local expected="$1" status
  status="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 -X "$2" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' ${4:+--data "$4"} "$BASE$3" 2>/dev/null || echo 000)"
  [[ " $expected " == *" $status "* ]] || echo "$2 $3 -> $status" >>"$WORK/errors"
  echo "$status"
}

worker() { # worker N: uploads, reads and refreshes until the deadline
  local n="$1" i=0 t
  while ((SECONDS < END)); do
    t="S$(( (RANDOM * 32768 + RANDOM) % TICKERS ))"
    [ "$(call 202 POST /api/v1/tickers/buffer "{\"tickers\":[\"$t\"]}")" = 202 ] && echo "$t" >>"$WORK/ack.$n"
    ((i % 10 == 0)) && call "200 304" GET /api/v1/universe >/dev/null
    ((i % 20 == 0)) && call 200 POST /api/v1/tickers/refresh "{\"tickers\":[\"$t\"]}" >/dev/null
    i=$((i + 1))
  done
}

: >"$WORK/errors"
# Warm-up: every ticker of the pool once (100 per request), then its flush, so the universe is full.
for ((i = 0; i < TICKERS; i += 100)); do
  batch="$(seq -f 'S%.0f' "$i" $((i + 99 < TICKERS - 1 ? i + 99 : TICKERS - 1)) | sed 's/.*/"&"/' | paste -sd, -)"
  [ "$(call 202 POST /api/v1/tickers/buffer "{\"tickers\":[$batch]}")" = 202 ] && tr -d '"' <<<"$batch" | tr , '\n' >>"$WORK/ack.warmup"
done
deadline=$((SECONDS + 60))
until [ "$(sqlc -e 'SELECT COUNT(*) FROM ticker_universe.ticker_universe' 2>/dev/null || echo 0)" -ge "$TICKERS" ]; do
  ((SECONDS < deadline)) || die "the warm-up's tickers were not flushed within 60 s"
  sleep 1
done
sleep 2 # the universe reload and the HTTP copy follow the flush
HEAP_START="$(heap_after_gc)"
HEAP_SAMPLES=()
END=$((SECONDS + SOAK_SECONDS))
WORKER_PIDS=()
for ((w = 0; w < WORKERS; w++)); do worker "$w" & WORKER_PIDS+=($!); done
evictions=0
while ((SECONDS < END)); do
  sleep 60 &
  wait $! || true
  ((SECONDS < END)) || break
  # Another holder cannot exist on one node, so 409 would be an error here too.
  s="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 120 -X POST -H "Authorization: Bearer $ADMIN" "$BASE/api/v1/admin/evict" || echo 000)"
  [ "$s" = 200 ] || echo "evict -> $s" >>"$WORK/errors"
  evictions=$((evictions + 1))
  HEAP_SAMPLES+=("$(heap_after_gc)")   # the trend between start and end: warm-up or growth
done
for pid in "${WORKER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
HEAP_END="$(heap_after_gc)"

acked="$(cat "$WORK"/ack.* 2>/dev/null | sort -u | wc -l)"
# The last bucket closes within 10 s + 1 s grace; its flush follows at once.
deadline=$((SECONDS + 60))
rows=0
while ((SECONDS < deadline)); do
  rows="$(sqlc -e 'SELECT COUNT(*) FROM ticker_universe.ticker_universe' 2>/dev/null || echo 0)"
  ((rows >= acked)) && break
  sleep 1
done
errors="$(wc -l <"$WORK/errors")"
rss="$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$JAVA_PID/status")"
drift="$(awk -v a="$HEAP_START" -v b="$HEAP_END" 'BEGIN { printf "%+.1f", (b - a) * 100 / a }')"
printf 'soak: %ss, %s workers, %s evictions\n' "$SOAK_SECONDS" "$WORKERS" "$evictions"
printf 'soak: errors %s (must be 0)%s\n' "$errors" "$( ((errors)) && echo ": $(head -n 3 "$WORK/errors" | tr '\n' ';')")"
printf 'soak: heap after GC %s KiB at start, %s KiB at end (%s%%, flat within 10%%)\n' "$HEAP_START" "$HEAP_END" "$drift"
printf 'soak: heap after GC each minute (KiB): %s\n' "${HEAP_SAMPLES[*]:-none}"
printf 'soak: peak RSS %s MB\n' "$rss"
printf 'soak: rows %s, acknowledged %s (%s)\n' "$rows" "$acked" "$([ "$rows" = "$acked" ] && echo equal || echo DIFFERENT)"
ok=1
((errors == 0)) || ok=0
[ "$rows" = "$acked" ] || ok=0
awk -v d="$drift" 'BEGIN { exit !(d <= 10 && d >= -100) }' || ok=0
((ok)) || exit 1
