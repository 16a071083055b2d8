#!/usr/bin/env bash
# The universe-snapshot benchmark of docs/PERFORMANCE.md#universe-snapshot (not a test): starts its
# own Redis and MariaDB on free loopback ports in a temporary folder and, for each table size,
#
#   1. fills the table with N synthetic valid tickers (the mariadb client, INSERT ... SELECT from
#      MariaDB's sequence engine: seconds for millions of rows) — N minus 1,000, so that step 3
#      takes it to exactly N, within the default universe.maxTickers of 2,000,000;
#   2. starts the service with the documented JVM options (conf/jvm.options, then JAVA_OPTS, as
#      for run.sh), waits until GET /api/v1/universe serves the table,
#      and checks plain and gzip bodies, the ETag and 304;
#   3. publishes 1,000 new tickers (a closed bucket filled with redis-cli, then POST
#      /api/v1/admin/flush) and waits for the rebuilt snapshot (N tickers, a new ETag);
#   4. reports the build times (from the service's log line "universe snapshot built: ..."), the
#      peak heap used and committed (jstat every 200 ms), the live heap with the snapshot (after a
#      full GC) and the peak resident set (VmHWM), then stops the service.
#
#   5. with SNAPSHOT_W3=1, runs W3 of docs/PERFORMANCE.md#method on that universe (GET
#      /api/v1/universe with gzip, wrk -t2 -c64, BENCH_WARMUP + BENCH_DURATION seconds) before
#      the memory figures are taken, so they include it.
#
# Prints a Markdown table and writes it to bench/results/snapshot-<UTC date-time>.md (git-ignored).
# Knobs (environment): SNAPSHOT_SIZES ("100000 1000000 2000000"), SNAPSHOT_W3 (0), BENCH_DURATION
# (20), BENCH_WARMUP (5), JAVA_OPTS, BENCH_KEEP=1 (keep the temporary folder and logs). On exit the script stops exactly the processes it started.
set -euo pipefail

SCRIPT_NAME=snapshot-bench.sh
READY_TIMEOUT=120
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

SIZES="${SNAPSHOT_SIZES:-100000 1000000 2000000}"
W3="${SNAPSHOT_W3:-0}"
DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-5}"
ADDED=1000
BUCKET=3600
PREFIX="ticker_universe"
for n in $SIZES; do
  if ! [[ $n =~ ^[0-9]+$ ]] || ((n <= ADDED || n > 2000000)); then
    echo "snapshot-bench.sh: SNAPSHOT_SIZES: $n must be an integer in ($ADDED, 2000000]" >&2
    exit 2
  fi
done

need=()
find_bin redis-server >/dev/null || need+=(redis-server)
find_bin mariadbd mysqld >/dev/null || need+=(mariadb-server)
find_bin mariadb mysql >/dev/null || need+=(mariadb-client)
command -v curl >/dev/null || need+=(curl)
[ "$W3" = 1 ] && ! command -v wrk >/dev/null && need+=(wrk)
install_packages "${need[@]}"
if ! command -v jstat >/dev/null || ! command -v jcmd >/dev/null; then die "jstat and jcmd (a JDK) are needed"; fi
REDIS_CLI="$(find_bin redis-cli)"
MARIADB="$(find_bin mariadb mysql)"
build_jar_if_stale

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-snapshot.XXXXXX")"
STARTED=()
JAVA_PID=""
JSTAT_PID=""

cleanup() {
  local rc=$? i
  set +e
  trap '' INT TERM HUP
  [ -n "$JSTAT_PID" ] && stop_pid "$JSTAT_PID" jstat 5
  [ -n "$JAVA_PID" ] && stop_pid "$JAVA_PID" service 30
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED[$i]%% *}" "${STARTED[$i]#* }" 30
  done
  if [ "${BENCH_KEEP:-0}" = 1 ] || ((rc != 0)); then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
exit_on_signals

free_port REDIS_PORT
free_port MYSQL_PORT
free_port HTTP_PORT
MYSQL_DIR="$WORK/mariadb"
log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, service :$HTTP_PORT"
start_redis "$REDIS_PORT" "$WORK/redis" "$WORK/redis.log" --save '' --appendonly no
STARTED+=("$REDIS_PID redis-server")
init_mariadb_datadir "$MYSQL_DIR" "$WORK/mariadb-install.log"
start_mariadbd "$MYSQL_DIR" "$MYSQL_PORT" "$WORK/mariadb.log"
STARTED+=("$MARIADB_PID mariadbd")
rcli() { "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
sqlc() { "$MARIADB" --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot -N -B "$@"; }
wait_ready redis-server "$REDIS_PID" "$WORK/redis.log" redis_ping "$REDIS_PORT"
wait_ready mariadbd "$MARIADB_PID" "$WORK/mariadb.log" mariadb_ping "$MYSQL_PORT"

API_TOKEN="bench-api-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ADMIN_TOKEN="bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
BASE="http://127.0.0.1:$HTTP_PORT"
service_java_opts
log "JVM options: $(java_args_text)"

start_service() { # start_service LOG: the service with the documented JVM options; sets JAVA_PID
  env TU_HTTP_PORT="$HTTP_PORT" TU_HTTP_HOST=127.0.0.1 \
    TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
    TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" \
    TU_AUTH_API_TOKENS="$API_TOKEN" TU_AUTH_ADMIN_TOKENS="$ADMIN_TOKEN" \
    TU_BUFFER_BUCKET_SECONDS="$BUCKET" TU_BUFFER_KEY_PREFIX="$PREFIX" \
    setsid java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$1" 2>&1 &
  JAVA_PID=$!
}
live() { curl -fsS -o /dev/null --max-time 2 "$BASE/health/live"; }
get() { curl -sS --max-time 60 -H "Authorization: Bearer $API_TOKEN" "$@" "$BASE/api/v1/universe"; }
count_of() { grep -o '"count":[0-9]*' | head -n1 | cut -d: -f2; }
wait_count() { # wait_count N SECONDS: until GET /api/v1/universe serves N tickers
  local deadline=$((SECONDS + $2))
  until [ "$(get -f 2>/dev/null | count_of)" = "$1" ]; do
    running "$JAVA_PID" || { tail -n 30 "$WORK/service-$N.log" >&2; die "the service died"; }
    ((SECONDS < deadline)) || die "the universe did not reach $1 tickers within $2 s"
    sleep 0.2
  done
}
# jstat -gc columns: S0C S1C S0U S1U EC EU OC OU ...; used = S0U+S1U+EU+OU, committed = S0C+S1C+EC+OC
peak_heap() { awk 'NR > 1 && $1 ~ /^[0-9.]+$/ { u = $3 + $4 + $6 + $8; c = $1 + $2 + $5 + $7; if (u > mu) mu = u; if (c > mc) mc = c }
  END { printf "%.0f %.0f", mu / 1024, mc / 1024 }' "$1"; }
built_ms() { grep -o 'universe snapshot built: [0-9]* tickers, [0-9]* bytes JSON, [0-9]* bytes gzip in [0-9]* ms' "$1" | sed -n "${2}p"; }

# The schema: one start on the empty database (Flyway), then stopped.
start_service "$WORK/service-schema.log"
wait_ready service "$JAVA_PID" "$WORK/service-schema.log" live
stop_pid "$JAVA_PID" service 30
JAVA_PID=""

ROWS=()
for N in $SIZES; do
  log "$N: filling the table with $((N - ADDED)) tickers"
  t0=$EPOCHREALTIME
  # CONV(…, 10, 36) gives 4-5 characters of A-Z0-9, unique; a market suffix on most: about the
  # shape and length of real tickers.
  sqlc ticker_universe -e "TRUNCATE TABLE ticker_universe;
    INSERT INTO ticker_universe (yahoo_ticker, first_seen_at, last_referenced_at)
    SELECT CONCAT(CONV(seq * 7 + 50000, 10, 36), ELT(1 + seq % 5, '', '.L', '.DE', '.PA', '.TO')),
           '2026-01-01 00:00:00', '2026-01-01 00:00:00'
    FROM seq_1_to_$((N - ADDED));"
  FILL_S="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  rcli flushall >/dev/null

  log "$N: starting the service"
  SLOG="$WORK/service-$N.log"
  t0=$EPOCHREALTIME
  start_service "$SLOG"
  jstat -gc "$JAVA_PID" 200 >"$WORK/jstat-$N.txt" 2>/dev/null &
  JSTAT_PID=$!
  wait_count $((N - ADDED)) 300
  SERVE_S="$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  BUILD1="$(built_ms "$SLOG" 1)"
  [ -n "$BUILD1" ] || die "no build line in $SLOG"

  # plain, gzip, ETag, 304
  get -D "$WORK/h-plain.txt" -o "$WORK/plain.json"
  get -H 'Accept-Encoding: gzip' -D "$WORK/h-gz.txt" -o "$WORK/body.gz"
  grep -qi '^content-encoding: *gzip' "$WORK/h-gz.txt" || die "no gzip answer"
  cmp -s <(gzip -dc "$WORK/body.gz") "$WORK/plain.json" || die "gzip and plain bodies differ"
  ETAG="$(grep -i '^etag:' "$WORK/h-plain.txt" | cut -d' ' -f2- | tr -d '\r')"
  [ "$(get -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG")" = 304 ] || die "no 304 for the ETag"
  JSON_BYTES="$(wc -c <"$WORK/plain.json")"
  GZ_BYTES="$(wc -c <"$WORK/body.gz")"

  log "$N: publishing $ADDED new tickers"
  KEY="$PREFIX:buffer:$(($(date +%s) / BUCKET * BUCKET - 2 * BUCKET))"
  awk -v n="$ADDED" -v key="$KEY" 'BEGIN { ORS = ""; for (i = 1; i <= n; i++) { t = sprintf("NEW%05d.L", i)
      printf "*3\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, length(t), t } }' \
    | rcli --pipe >/dev/null
  FLUSH="$(curl -sS --max-time 600 -X POST -H "Authorization: Bearer $ADMIN_TOKEN" "$BASE/api/v1/admin/flush")"
  grep -q "\"inserted\":$ADDED" <<<"$FLUSH" || die "flush answered $FLUSH"
  wait_count "$N" 300
  [ "$(get -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG")" = 200 ] || die "the ETag did not change"
  BUILD2="$(built_ms "$SLOG" 2)"

  W3_TEXT="—"
  if [ "$W3" = 1 ]; then
    log "$N: W3, ${WARMUP} s warm-up + ${DURATION} s"
    w3() { BENCH_TOKEN="$API_TOKEN" BENCH_LUA_DIR="$ROOT/bench/wrk" \
      wrk -t2 -c64 -d"${1}s" --timeout 10s -s "$ROOT/bench/wrk/universe.lua" "$BASE"; }
    w3 "$WARMUP" >/dev/null
    w3 "$DURATION" | tee "$WORK/w3-$N.txt" >&2
    line="$(grep '^BENCH' "$WORK/w3-$N.txt")"
    f() { grep -o " $1=[^ ]*" <<<"$line" | head -n1 | cut -d= -f2; }
    non2xx="$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$WORK/w3-$N.txt" | grep -o '[0-9]*$' || echo 0)"
    W3_TEXT="$(awk -v r="$(f rps)" -v p="$(f p99_ms)" -v b="$(f bytes)" -v s="$(f seconds)" -v e="$non2xx" \
      'BEGIN { printf "%.0f req/s, p99 %.0f ms, %.0f MiB/s, non-2xx %d", r, p, b / s / 1048576, e }')"
  fi

  jcmd "$JAVA_PID" GC.run >/dev/null
  sleep 1
  LIVE_MB="$(jstat -gc "$JAVA_PID" | awk 'NR == 2 { printf "%.0f", ($3 + $4 + $6 + $8) / 1024 }')"
  RSS_NOW_MB="$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$JAVA_PID/status")"
  HWM_MB="$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$JAVA_PID/status")"
  stop_pid "$JSTAT_PID" jstat 5
  JSTAT_PID=""
  read -r PEAK_USED PEAK_COMMITTED <<<"$(peak_heap "$WORK/jstat-$N.txt")"
  grep -q OutOfMemoryError "$SLOG" && die "OutOfMemoryError in $SLOG"
  stop_pid "$JAVA_PID" service 30
  JAVA_PID=""

  ms1="${BUILD1##* in }"
  ms2="${BUILD2##* in }"
  ROWS+=("| $N | ${JSON_BYTES} / ${GZ_BYTES} | ${ms1% ms} | ${SERVE_S} | ${ms2% ms} | ${PEAK_USED} / ${PEAK_COMMITTED} | ${LIVE_MB} | ${HWM_MB} (now ${RSS_NOW_MB}) | ${FILL_S} | ${W3_TEXT} |")
  log "$N: ${ROWS[-1]}"
done

OUT="bench/results/snapshot-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p bench/results
{
  echo "Universe snapshot, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "JVM: $(java_args_text)"
  echo
  echo "| tickers | JSON / gzip bytes | first build ms | start → serving s | rebuild after flush ms | peak heap used / committed MB | live heap MB | peak RSS MB | table fill s | W3 (gzip, -c64) |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT"
log "written to $OUT"
