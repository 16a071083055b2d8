#!/usr/bin/env bash
# The benchmark described in docs/PERFORMANCE.md#method (not a test): starts its own Redis, MariaDB and service on free
# loopback ports in a temporary folder, runs four workloads on the same servers, prints a results
# table and writes it to bench/results/<UTC date-time>.md (git-ignored).
#
#   W1  POST /api/v1/tickers/buffer, 10 random tickers per request, wrk 2 threads 64 connections,
#       beside `redis-benchmark -t sadd` (unpipelined, 64 clients) on the same Redis.
#       Target: W1 req/s >= 30% of SADD req/s.
#   W2  POST /api/v1/admin/flush of one closed bucket of 100,000 tickers (filled with
#       `redis-cli --pipe`), into an empty table and again as all-bumps (a later closed bucket
#       with the same tickers), beside the `mariadb` client upserting the same rows as 1,000-row
#       multi-row INSERT ... ON DUPLICATE KEY UPDATE into a fresh table of the same shape.
#       Target: <= 1.5x the raw client.
#   W3  GET /api/v1/universe with 100,000 tickers, Accept-Encoding: gzip, wrk 2 threads 64
#       connections. Target: >= 1,000 req/s.
#   W4  POST /api/v1/admin/evict of 500,000 of 1,000,000 rows (service defaults: batch 10,000,
#       pause 20 ms), while bench/PointReads.java reads random rows by primary key at a fixed
#       rate; beside the `mariadb` client deleting the same rows (table reloaded) with
#       DELETE ... ORDER BY last_referenced_at LIMIT 5000 in a loop on one connection, under the
#       same reads. Targets: <= 1.5x the raw client; point-read p99 <= 20 ms.
#
# Everything is bounded (fixed wrk durations, fixed counts, deadlines on every wait) and sent to
# 127.0.0.1 only. On exit the script stops exactly the processes it started, by pid.
# Missing tools are installed with apt-get when run as root (otherwise the command is printed);
# the jar is (re)built when missing or older than src/, conf/, client/ or the poms.
#
# Knobs (environment): BENCH_DURATION (wrk seconds, 20), BENCH_WARMUP (wrk warm-up seconds, 5),
# BENCH_CONNECTIONS (64), BENCH_W2_TICKERS (100000), BENCH_W4_ROWS (1000000),
# BENCH_READ_RATE (point reads/s during W4, 1000), BENCH_READ_THREADS (4), BENCH_FLUSH_CHUNK (rows per
# upsert for the service and the raw client alike, 1000),
# BENCH_BUCKET_SECONDS (3600: a bucket boundary, when the service's own timer flushes, is then
# unlikely to fall inside the run), BENCH_KEEP=1 (keep the temporary folder and logs),
# BENCH_EVICT_BATCH / BENCH_EVICT_PAUSE_MILLIS (the service's, for experiments; default its 10000 / 20),
# BENCH_RAW_EVICT_BATCH (the mariadb client's DELETE batch; 5000 as W4 defines it (docs/PERFORMANCE.md#method)),
# BENCH_ACK_REPLICAS (0; n > 0 starts n local replicas of the bench Redis and runs the service with
# TU_BUFFER_ACK_REPLICAS=n: every buffer write waits for them, docs/PERFORMANCE.md#acknowledged-by-a-replica),
# JAVA_OPTS (JVM options for the service after conf/jvm.options, docs/OPERATIONS.md#jvm-options).
# The per-token buffer rate is switched off (TU_BUFFER_RATE_PER_TOKEN=0): wrk's 64 connections share
# one token on purpose, and W1 measures the write path, not the limiter.
set -euo pipefail

SCRIPT_NAME=bench.sh
READY_TIMEOUT=120
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$ROOT"

DURATION="${BENCH_DURATION:-20}"
WARMUP="${BENCH_WARMUP:-5}"
CONNECTIONS="${BENCH_CONNECTIONS:-64}"
W2_N="${BENCH_W2_TICKERS:-100000}"
W4_ROWS="${BENCH_W4_ROWS:-1000000}"
READ_RATE="${BENCH_READ_RATE:-1000}"
READ_THREADS="${BENCH_READ_THREADS:-4}"
BUCKET="${BENCH_BUCKET_SECONDS:-3600}"
ONLY="${BENCH_ONLY:-W1 W2 W3 W4}"
PREFIX="ticker_universe"
# The service's defaults, stated in the results (BENCH_EVICT_BATCH / BENCH_EVICT_PAUSE_MILLIS only
# for experiments). The raw client deletes in batches of its own, 5,000 rows as W4 defines it.
EVICT_BATCH="${BENCH_EVICT_BATCH:-10000}"
EVICT_PAUSE_MS="${BENCH_EVICT_PAUSE_MILLIS:-20}"
RAW_EVICT_BATCH="${BENCH_RAW_EVICT_BATCH:-5000}"
CHUNK="${BENCH_FLUSH_CHUNK:-1000}"
ACK_REPLICAS="${BENCH_ACK_REPLICAS:-0}"
[[ $ACK_REPLICAS =~ ^[0-3]$ ]] || { echo "bench.sh: BENCH_ACK_REPLICAS must be 0-3" >&2; exit 2; }
# The HTTP verticle's event-bus time-out (default 5 s) also bounds POST /admin/flush and
# /admin/evict; W4's eviction takes longer than that, so the bench raises it.

for v in DURATION WARMUP CONNECTIONS W2_N W4_ROWS READ_RATE READ_THREADS BUCKET EVICT_BATCH RAW_EVICT_BATCH; do
  if ! [[ ${!v} =~ ^[0-9]+$ ]] || ((${!v} == 0)); then
    echo "bench.sh: $v=${!v} must be a positive integer" >&2
    exit 2
  fi
done
[[ $EVICT_PAUSE_MS =~ ^[0-9]+$ ]] || { echo "bench.sh: BENCH_EVICT_PAUSE_MILLIS must be a number of milliseconds" >&2; exit 2; }
for w in $ONLY; do
  case "$w" in W1 | W2 | W3 | W4) ;; *) echo "bench.sh: BENCH_ONLY: unknown workload $w" >&2; exit 2 ;; esac
done
if [[ " $ONLY " == *" W3 "* && " $ONLY " != *" W2 "* ]]; then
  echo "bench.sh: W3 needs W2 (its table)" >&2
  exit 2
fi
((W4_ROWS % 2 == 0 && W4_ROWS <= 9999999)) || { echo "bench.sh: BENCH_W4_ROWS must be even and < 10,000,000" >&2; exit 2; }

# ------------------------------------------------------------------------------- tools

need=()
find_bin wrk >/dev/null || need+=(wrk)
find_bin redis-benchmark >/dev/null || need+=(redis-tools)
find_bin mariadb mysql >/dev/null || need+=(mariadb-client)
find_bin curl >/dev/null || need+=(curl)
read -r -a more <<<"$({ build_packages; server_packages; } | tr '\n' ' ')"
need+=("${more[@]}")
install_packages "${need[@]}"
WRK="$(find_bin wrk)"
REDIS_SERVER="$(find_bin redis-server)"
REDIS_CLI="$(find_bin redis-cli)"
REDIS_BENCHMARK="$(find_bin redis-benchmark)"
MARIADBD="$(find_bin mariadbd mysqld)"
MARIADB="$(find_bin mariadb mysql)"

build_jar_if_stale

# ------------------------------------------------------------------------------- processes

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tu-bench.XXXXXX")"
STARTED=()   # "pid name", in start order; stopped in reverse on exit
JAVA_PID=""
READER_PID=""

cleanup() {
  local rc=$? i
  set +e
  trap '' INT TERM HUP
  [ -n "$READER_PID" ] && stop_pid "$READER_PID" "point reader" 30
  [ -n "${RAW_PID:-}" ] && stop_pid "$RAW_PID" "mariadb client" 30
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do
    stop_pid "${STARTED[$i]%% *}" "${STARTED[$i]#* }" 30
  done
  if [ "${BENCH_KEEP:-0}" = 1 ] || ((rc != 0)); then
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

free_port REDIS_PORT
free_port MYSQL_PORT
free_port HTTP_PORT
MYSQL_DIR="$WORK/mariadb"

log "working in $WORK; Redis :$REDIS_PORT, MariaDB :$MYSQL_PORT, service :$HTTP_PORT"
start_redis "$REDIS_PORT" "$WORK/redis" "$WORK/redis.log" --save '' --appendonly no
STARTED+=("$REDIS_PID redis-server")
for ((r = 1; r <= ACK_REPLICAS; r++)); do
  free_port "REPLICA_PORT_$r"
  port_var="REPLICA_PORT_$r"
  start_redis "${!port_var}" "$WORK/replica$r" "$WORK/replica$r.log" --save '' --appendonly no \
    --replicaof 127.0.0.1 "$REDIS_PORT"
  STARTED+=("$REDIS_PID redis-server replica $r")
done

init_mariadb_datadir "$MYSQL_DIR" "$WORK/mariadb-install.log"
start_mariadbd "$MYSQL_DIR" "$MYSQL_PORT" "$WORK/mariadb.log"
STARTED+=("$MARIADB_PID mariadbd")

rcli() { "$REDIS_CLI" -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
sqlc() { "$MARIADB" --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot -N -B "$@"; }
wait_ready redis-server "$REDIS_PID" "$WORK/redis.log" redis_ping "$REDIS_PORT"
wait_ready mariadbd "$MARIADB_PID" "$WORK/mariadb.log" mariadb_ping "$MYSQL_PORT"
if ((ACK_REPLICAS > 0)); then
  replicas_online() { [ "$(rcli info replication | tr -d '\r' | grep -c '^slave[0-9]*:.*state=online')" -ge "$ACK_REPLICAS" ]; }
  wait_ready "redis replicas" "$REDIS_PID" "$WORK/redis.log" replicas_online
fi

API_TOKEN="bench-api-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
ADMIN_TOKEN="bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
service_java_opts # JAVA_ARGS: @conf/jvm.options, then JAVA_OPTS
env TU_HTTP_PORT="$HTTP_PORT" TU_HTTP_HOST=127.0.0.1 \
  TU_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  TU_MYSQL_URL="mysql://root@127.0.0.1:$MYSQL_PORT/ticker_universe" \
  TU_AUTH_API_TOKENS="$API_TOKEN" TU_AUTH_ADMIN_TOKENS="$ADMIN_TOKEN" \
  TU_BUFFER_BUCKET_SECONDS="$BUCKET" TU_BUFFER_KEY_PREFIX="$PREFIX" \
  TU_EVICT_BATCH_SIZE="$EVICT_BATCH" TU_EVICT_PAUSE_MILLIS="$EVICT_PAUSE_MS" TU_FLUSH_CHUNK_SIZE="$CHUNK" \
  TU_BUFFER_RATE_PER_TOKEN=0 TU_BUFFER_ACK_REPLICAS="$ACK_REPLICAS" \
  setsid java "${JAVA_ARGS[@]}" -jar "$JAR" </dev/null >"$WORK/service.log" 2>&1 &
JAVA_PID=$!
STARTED+=("$JAVA_PID service")
BASE="http://127.0.0.1:$HTTP_PORT"
service_ready() { curl -fsS -o /dev/null --max-time 2 "$BASE/health/ready"; }
wait_ready service "$JAVA_PID" "$WORK/service.log" service_ready
log "all ready"
LOAD_START="$(cut -d" " -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------------------- helpers

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
json_num() { grep -o "\"$1\":[0-9.]*" <<<"$2" | head -n1 | cut -d: -f2; }
field() { grep -o " $1=[^ ]*" <<<"$2" | head -n1 | cut -d= -f2; }
meets() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? (v <= t) : (v >= t); print ok ? "met" : "MISSED" }'; }

run_wrk() { # run_wrk SCRIPT SECONDS: prints wrk's output; the BENCH line carries the figures
  BENCH_TOKEN="$API_TOKEN" BENCH_LUA_DIR="$ROOT/bench/wrk" \
    "$WRK" -t2 -c"$CONNECTIONS" -d"${2}s" --timeout 10s -s "$ROOT/bench/wrk/$1" "$BASE"
}

measure_wrk() { # measure_wrk SCRIPT OUT: an unreported warm-up, then the measured run, shown and kept in OUT
  run_wrk "$1" "$WARMUP" >/dev/null
  run_wrk "$1" "$DURATION" | tee "$2" >&2
}

non2xx() { # non2xx WRK_OUTPUT_FILE: wrk's count of non-2xx/3xx answers, 0 when it printed none
  grep -o 'Non-2xx or 3xx responses: [0-9]*' "$1" | grep -o '[0-9]*$' || echo 0
}

admin_post() { # admin_post PATH: body, then a line "HTTP_CODE SECONDS"
  curl -sS --max-time 600 -X POST -H "Authorization: Bearer $ADMIN_TOKEN" \
    -w '\n%{http_code} %{time_total}\n' "$BASE$1"
}

del_buffer_keys() {
  rcli --scan --pattern "$PREFIX:buffer:*" | while read -r k; do rcli del "$k" >/dev/null; done
}

# deterministic random-looking valid tickers (1-5 letters + a market suffix), unique
gen_tickers() { # gen_tickers N
  awk -v n="$1" 'BEGIN {
    srand(7); letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ns = split(",,,,.L,.DE,.PA,.HK,.TO,-USD,.AX,=X", suf, ",")
    for (tries = 0; count < n && tries < n * 50; tries++) {
      len = 1 + int(rand() * 5); t = ""
      for (i = 0; i < len; i++) t = t substr(letters, 1 + int(rand() * 26), 1)
      t = t suf[1 + int(rand() * ns)]
      if (!(t in seen)) { seen[t] = 1; print t; count++ }
    }
  }'
}

fill_bucket() { # fill_bucket KEY FILE: SADD every line of FILE into KEY with redis-cli --pipe
  awk -v key="$1" 'BEGIN { ORS = "" } { printf "*3\r\n$4\r\nSADD\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(key), key, length($0), $0 }' "$2" \
    | rcli --pipe >"$WORK/pipe.log" 2>&1 || { cat "$WORK/pipe.log" >&2; die "redis-cli --pipe failed"; }
}

utc_sql() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

upsert_sql() { # upsert_sql TABLE STAMP FILE: 1,000-row multi-row upserts of the sorted tickers
  LC_ALL=C sort "$3" | awk -v tbl="$1" -v ts="$2" -v chunk="$CHUNK" '
    { row = "(\x27" $0 "\x27,\x27" ts "\x27,\x27" ts "\x27)"
      if (n % chunk == 0) printf "INSERT INTO %s (yahoo_ticker, first_seen_at, last_referenced_at) VALUES %s", tbl, row
      else printf ",%s", row
      n++
      if (n % chunk == 0) print " ON DUPLICATE KEY UPDATE last_referenced_at = GREATEST(last_referenced_at, VALUES(last_referenced_at));" }
    END { if (n % chunk != 0) print " ON DUPLICATE KEY UPDATE last_referenced_at = GREATEST(last_referenced_at, VALUES(last_referenced_at));" }'
}

load_w4() { # 1,000,000 rows, odd ones 61-120 days old, even ones 0-59 days old
  sqlc ticker_universe -e "TRUNCATE TABLE ticker_universe;
    INSERT INTO ticker_universe (yahoo_ticker, currency, first_seen_at, last_referenced_at)
    SELECT CONCAT('E', LPAD(seq, 7, '0')), NULL, ts, ts FROM (
      SELECT seq, TIMESTAMP'$W4_BASE' - INTERVAL (IF(seq % 2 = 1, 61 * 1440, 0) + (seq * 7919) % (59 * 1440)) MINUTE AS ts
      FROM seq_1_to_$W4_ROWS) s;"
}

start_reader() { # start_reader NAME MAX_SECONDS: background point reads; returns when READY
  rm -f "$WORK/stop-reads"
  java -cp "$JAR" "$ROOT/bench/PointReads.java" 127.0.0.1 "$MYSQL_PORT" ticker_universe \
    "$READ_THREADS" "$READ_RATE" "$2" "$WORK/stop-reads" "$W4_ROWS" >"$WORK/reads-$1.log" 2>&1 &
  READER_PID=$!
  local deadline=$((SECONDS + READY_TIMEOUT))
  until grep -q '^READY' "$WORK/reads-$1.log" 2>/dev/null; do
    running "$READER_PID" || { cat "$WORK/reads-$1.log" >&2; die "the point reader failed"; }
    ((SECONDS < deadline)) || die "the point reader was not ready within $READY_TIMEOUT s"
    sleep 0.1
  done
}

stop_reader() { # stop_reader NAME: sets READS to the POINTREADS line (not in a subshell: it waits)
  touch "$WORK/stop-reads"
  wait "$READER_PID" || { cat "$WORK/reads-$1.log" >&2; die "the point reader failed"; }
  READER_PID=""
  READS="$(grep '^POINTREADS' "$WORK/reads-$1.log")"
}

want() { [[ " $ONLY " == *" $1 "* ]]; }
# MariaDB and Redis command counters, to say what a service call cost in statements/commands
counters() {
  sqlc -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_stmt_prepare','Com_stmt_execute','Com_stmt_close','Com_insert','Com_select','Com_delete','Questions')" \
    | awk '{ printf "%s=%s ", $1, $2 }'
  rcli info commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_(sscan|srem|scan|eval|evalsha|set|pexpire|del)/ { printf "%s=%s ", substr($1, 9), $3 }'
  echo
}
counter_delta() { # counter_delta BEFORE AFTER: "name=after-before ..." for names that changed
  awk -v a="$1" -v b="$2" 'BEGIN {
    n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); before[kv[1]] = kv[2] }
    n = split(b, y, " "); for (i = 1; i <= n; i++) { split(y[i], kv, "="); d = kv[2] - before[kv[1]]; if (d) printf "%s=%d ", kv[1], d }
  }'
}

settle() { # wait until MariaDB runs no statement but ours (e.g. the universe reload after a flush event)
  local quiet=0 deadline=$((SECONDS + 60))
  while ((quiet < 3)); do
    if [ "$(sqlc -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' AND ID <> CONNECTION_ID()")" = 0 ]; then
      quiet=$((quiet + 1))
    else
      quiet=0
    fi
    ((SECONDS < deadline)) || { log "MariaDB did not become idle within 60 s; going on"; return 0; }
    sleep 0.1
  done
}

ROWS=()   # result rows of the table
row() { ROWS+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }

# ------------------------------------------------------------------------------- W1
if want W1; then
  log "W1: redis-benchmark SADD"
  RB="$("$REDIS_BENCHMARK" -h 127.0.0.1 -p "$REDIS_PORT" -n 200000 -c 64 -t sadd --csv 2>/dev/null | grep '^"SADD"')"
  # "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  RB_RPS="$(cut -d, -f2 <<<"$RB" | tr -d '"')"
  RB_P99="$(cut -d, -f7 <<<"$RB" | tr -d '"')"
  rcli del myset >/dev/null

  log "W1: buffer, ${WARMUP} s warm-up + ${DURATION} s"
  measure_wrk buffer.lua "$WORK/w1.txt"
  W1="$(grep '^BENCH' "$WORK/w1.txt")"
  W1_RPS="$(field rps "$W1")"
  W1_P99="$(field p99_ms "$W1")"
  W1_NON2XX="$(non2xx "$WORK/w1.txt")"
  W1_ERRS=$(($(field err_connect "$W1") + $(field err_read "$W1") + $(field err_write "$W1") + $(field err_timeout "$W1")))
  BUFFERED="$(rcli --scan --pattern "$PREFIX:buffer:*" | while read -r k; do rcli scard "$k"; done | awk '{ s += $1 } END { print s + 0 }')"
  ((BUFFERED > 0)) || die "W1 wrote nothing to Redis (non-2xx: $W1_NON2XX); see $WORK/service.log"
  del_buffer_keys   # W1's tickers are not part of the later workloads
  log "W1: HTTP floor, GET /health/live ${DURATION} s"
  measure_wrk live.lua "$WORK/w1-live.txt"
  LIVE_RPS="$(field rps "$(grep '^BENCH' "$WORK/w1-live.txt")")"
  W1_PCT="$(awk -v a="$W1_RPS" -v b="$RB_RPS" 'BEGIN { printf "%.0f", 100 * a / b }')"
  row "W1 buffer, 10 tickers/request (wrk -t2 -c$CONNECTIONS -d${DURATION}s)" \
    "$(printf '%.0f req/s (%s tickers/s), p99 %.1f ms; non-2xx %s, socket errors %s' "$W1_RPS" "$(awk -v r="$W1_RPS" 'BEGIN { printf "%.0f", r * 10 }')" "$W1_P99" "$W1_NON2XX" "$W1_ERRS")" \
    "$(printf 'redis-benchmark SADD -c64 -n200000: %.0f req/s, p99 %s ms (HTTP floor: GET /health/live %.0f req/s)' "$RB_RPS" "$RB_P99" "$LIVE_RPS")" \
    "${W1_PCT}%" ">= 30%" "$(meets "$W1_PCT" ">=" 30)"
fi

# ------------------------------------------------------------------------------- W2
if want W2; then
  log "W2: $W2_N tickers"
  gen_tickers "$W2_N" >"$WORK/w2.txt"
  [ "$(wc -l <"$WORK/w2.txt")" -eq "$W2_N" ] || die "could not generate $W2_N distinct tickers"
  CUR=$(($(date +%s) / BUCKET * BUCKET))
  B0=$((CUR - 4 * BUCKET))   # three closed buckets, well past end + grace
  B1=$((CUR - 3 * BUCKET))
  B2=$((CUR - 2 * BUCKET))
  STAMP1="$(utc_sql $((B1 + BUCKET)))"
  STAMP2="$(utc_sql $((B2 + BUCKET)))"
  [ "$(sqlc ticker_universe -e 'SELECT COUNT(*) FROM ticker_universe')" = 0 ] || sqlc ticker_universe -e 'TRUNCATE TABLE ticker_universe'

  service_flush() { # service_flush BUCKET_START EXPECT_INSERTED EXPECT_BUMPED: sets FL_WALL FL_DUR
    local key="$PREFIX:buffer:$1" out status
    fill_bucket "$key" "$WORK/w2.txt"
    [ "$(rcli scard "$key")" -eq "$W2_N" ] || die "bucket $key holds $(rcli scard "$key") members, not $W2_N"
    local c0
    c0="$(counters)"
    out="$(admin_post /api/v1/admin/flush)"
    log "flush cost: $(counter_delta "$c0" "$(counters)")"
    status="$(tail -n1 <<<"$out")"
    FL_BODY="$(head -n -1 <<<"$out")"
    [ "${status%% *}" = 200 ] || die "flush answered $status: $FL_BODY"
    FL_WALL="${status#* }"
    FL_DUR="$(json_num durationMillis "$FL_BODY")"
    log "flush: $FL_BODY in ${FL_WALL} s"
    # "read" may exceed the bucket by a few: SSCAN can return a member twice while the set shrinks.
    if [ "$(json_num read "$FL_BODY")" -lt "$W2_N" ] || [ "$(json_num inserted "$FL_BODY")" != "$2" ] \
      || [ "$(json_num bumped "$FL_BODY")" != "$3" ]; then
      die "flush counts $FL_BODY, expected read=$W2_N inserted=$2 bumped=$3 (did the service's own timer flush first?)"
    fi
    [ "$(rcli exists "$key")" = 0 ] || die "bucket $key still exists after the flush"
  }

  raw_upsert() { # raw_upsert STAMP: sets RAW_WALL
    upsert_sql ticker_universe_raw "$1" "$WORK/w2.txt" >"$WORK/w2-raw.sql"
    local t0 t1
    t0="$(now)"
    sqlc ticker_universe <"$WORK/w2-raw.sql"
    t1="$(now)"
    RAW_WALL="$(elapsed "$t0" "$t1")"
  }

  # The first flush of a fresh JVM runs cold code (reported, then the table is emptied): the
  # measured flushes are the second and third, as a service flushing every bucket would be.
  service_flush "$B0" "$W2_N" 0
  W2C_WALL="$FL_WALL"
  settle
  sqlc ticker_universe -e 'TRUNCATE TABLE ticker_universe'
  service_flush "$B1" "$W2_N" 0
  W2I_WALL="$FL_WALL" W2I_DUR="$FL_DUR"
  [ "$(sqlc ticker_universe -e 'SELECT COUNT(*) FROM ticker_universe')" = "$W2_N" ] || die "table does not hold $W2_N rows after the flush"
  settle
  service_flush "$B2" 0 "$W2_N"
  W2B_WALL="$FL_WALL" W2B_DUR="$FL_DUR"
  settle

  sqlc ticker_universe -e 'DROP TABLE IF EXISTS ticker_universe_raw; CREATE TABLE ticker_universe_raw LIKE ticker_universe'
  raw_upsert "$STAMP1"
  W2I_RAW="$RAW_WALL"
  [ "$(sqlc ticker_universe -e 'SELECT COUNT(*) FROM ticker_universe_raw')" = "$W2_N" ] || die "raw table does not hold $W2_N rows"
  raw_upsert "$STAMP2"
  W2B_RAW="$RAW_WALL"
  [ "$(sqlc ticker_universe -e "SELECT COUNT(*) FROM ticker_universe_raw WHERE last_referenced_at = '$STAMP2'")" = "$W2_N" ] || die "raw bump did not bump"
  sqlc ticker_universe -e 'DROP TABLE ticker_universe_raw'

  W2I_RATIO="$(ratio "$W2I_WALL" "$W2I_RAW")"
  W2B_RATIO="$(ratio "$W2B_WALL" "$W2B_RAW")"
  row "W2 flush 1 closed bucket of $W2_N tickers, empty table (all inserts)" \
    "$(printf '%.2f s wall (durationMillis %s); first flush of the JVM (cold): %.2f s' "$W2I_WALL" "$W2I_DUR" "$W2C_WALL")" \
    "$(printf 'mariadb client, %d-row upserts: %.2f s' "$CHUNK" "$W2I_RAW")" "${W2I_RATIO}x" "<= 1.5x" "$(meets "$W2I_RATIO" "<=" 1.5)"
  row "W2 same tickers, later bucket (all bumps)" \
    "$(printf '%.2f s wall (durationMillis %s)' "$W2B_WALL" "$W2B_DUR")" \
    "$(printf 'mariadb client, %d-row upserts: %.2f s' "$CHUNK" "$W2B_RAW")" "${W2B_RATIO}x" "<= 1.5x" "$(meets "$W2B_RATIO" "<=" 1.5)"
fi

# ------------------------------------------------------------------------------- W3
if want W3; then
  log "W3: universe of $W2_N tickers"
  universe_count() { curl -fsS --max-time 10 -H "Authorization: Bearer $API_TOKEN" "$BASE/api/v1/universe" | grep -o '"count":[0-9]*' | cut -d: -f2; }
  deadline=$((SECONDS + 60))
  until [ "$(universe_count)" = "$W2_N" ]; do
    ((SECONDS < deadline)) || die "the universe did not reach $W2_N tickers within 60 s (flush event)"
    sleep 0.2
  done
  curl -fsS --max-time 10 -H "Authorization: Bearer $API_TOKEN" -H 'Accept-Encoding: gzip' \
    -D "$WORK/w3-headers.txt" -o "$WORK/w3-body.gz" "$BASE/api/v1/universe"
  ETAG="$(grep -i '^etag:' "$WORK/w3-headers.txt" | cut -d' ' -f2- | tr -d '\r')"
  [ -n "$ETAG" ] || die "GET /api/v1/universe served no ETag"
  grep -qi '^content-encoding: *gzip' "$WORK/w3-headers.txt" || die "GET /api/v1/universe did not gzip"
  GZ_BYTES="$(wc -c <"$WORK/w3-body.gz")"
  JSON_BYTES="$(gzip -dc "$WORK/w3-body.gz" | wc -c)"
  NOT_MODIFIED="$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $API_TOKEN" \
    -H 'Accept-Encoding: gzip' -H "If-None-Match: $ETAG" "$BASE/api/v1/universe")"
  [ "$NOT_MODIFIED" = 304 ] || die "If-None-Match with the ETag answered $NOT_MODIFIED, not 304"

  log "W3: ${WARMUP} s warm-up + ${DURATION} s"
  measure_wrk universe.lua "$WORK/w3.txt"
  W3="$(grep '^BENCH' "$WORK/w3.txt")"
  W3_RPS="$(field rps "$W3")"
  W3_P99="$(field p99_ms "$W3")"
  W3_NON2XX="$(non2xx "$WORK/w3.txt")"
  W3_MBS="$(awk -v b="$(field bytes "$W3")" -v s="$(field seconds "$W3")" 'BEGIN { printf "%.0f", b / s / 1048576 }')"
  row "W3 GET /api/v1/universe, $W2_N tickers, gzip (wrk -t2 -c$CONNECTIONS -d${DURATION}s)" \
    "$(printf '%.0f req/s, p99 %.1f ms, %s MiB/s; body %s B gzip (%s B JSON); non-2xx %s; ETag + 304 ok' "$W3_RPS" "$W3_P99" "$W3_MBS" "$GZ_BYTES" "$JSON_BYTES" "$W3_NON2XX")" \
    "—" "—" ">= 1000 req/s" "$(meets "$W3_RPS" ">=" 1000)"
fi

# ------------------------------------------------------------------------------- W4
if want W4; then
  log "W4: loading $W4_ROWS rows"
  W4_BASE="$(utc_sql "$(date +%s)")"
  EXPECT_DEL=$((W4_ROWS / 2))
  CUTOFF="$(utc_sql $(($(date +%s) - 60 * 86400)))"
  t0="$(now)"; load_w4; t1="$(now)"
  W4_LOAD="$(elapsed "$t0" "$t1")"
  log "W4: loaded in $W4_LOAD s; baseline point reads (5 s, no eviction)"
  start_reader baseline 5
  wait "$READER_PID" || die "the point reader failed"
  READER_PID=""
  R_BASE="$(grep '^POINTREADS' "$WORK/reads-baseline.log")"

  log "W4: service eviction"
  settle
  start_reader service 600
  c0="$(counters)"
  out="$(admin_post /api/v1/admin/evict)"
  log "evict cost: $(counter_delta "$c0" "$(counters)")"
  stop_reader service
  R_SVC="$READS"
  status="$(tail -n1 <<<"$out")"
  body="$(head -n -1 <<<"$out")"
  [ "${status%% *}" = 200 ] || die "evict answered $status: $body"
  W4_SVC="${status#* }"
  [ "$(json_num deleted "$body")" = "$EXPECT_DEL" ] || die "evict deleted $(json_num deleted "$body"), expected $EXPECT_DEL"
  [ "$(sqlc ticker_universe -e 'SELECT COUNT(*) FROM ticker_universe')" = "$EXPECT_DEL" ] || die "wrong row count after eviction"
  log "W4: service evicted $EXPECT_DEL in $W4_SVC s; $R_SVC"

  log "W4: reloading; mariadb client eviction"
  load_w4
  settle
  start_reader raw 600
  # One client connection, autocommit per DELETE, looping until a batch comes back short, as the
  # service does (without its pause). Bounded by a count.
  coproc MDB { "$MARIADB" --no-defaults --protocol=tcp -h127.0.0.1 -P"$MYSQL_PORT" -uroot -N -B --unbuffered ticker_universe; }
  RAW_PID="$MDB_PID"
  MDB_IN="${MDB[1]}" MDB_OUT="${MDB[0]}"
  echo "SELECT 1;" >&"$MDB_IN"
  read -r -t 30 _ <&"$MDB_OUT" || die "mariadb client did not answer"
  RAW_DELETED=0
  t0="$(now)"
  for ((i = 0; i < W4_ROWS / RAW_EVICT_BATCH + 10; i++)); do
    echo "DELETE FROM ticker_universe WHERE last_referenced_at < '$CUTOFF' ORDER BY last_referenced_at LIMIT $RAW_EVICT_BATCH; SELECT ROW_COUNT();" >&"$MDB_IN"
    read -r -t 120 n <&"$MDB_OUT" || die "mariadb client did not answer a DELETE"
    RAW_DELETED=$((RAW_DELETED + n))
    ((n == RAW_EVICT_BATCH)) || break
  done
  t1="$(now)"
  echo "quit" >&"$MDB_IN"
  exec {MDB_IN}>&- {MDB_OUT}<&-
  stop_pid "$RAW_PID" "mariadb client" 30
  RAW_PID=""
  W4_RAW="$(elapsed "$t0" "$t1")"
  stop_reader raw
  R_RAW="$READS"
  ((RAW_DELETED == EXPECT_DEL)) || die "raw eviction deleted $RAW_DELETED, expected $EXPECT_DEL"
  log "W4: raw client evicted $RAW_DELETED in $W4_RAW s; $R_RAW"

  W4_RATIO="$(ratio "$W4_SVC" "$W4_RAW")"
  SVC_P99="$(field p99_ms "$R_SVC")"
  evict_note=""
  ((EVICT_BATCH == 10000 && EVICT_PAUSE_MS == 20)) && evict_note=" = defaults"
  row "W4 evict $EXPECT_DEL of $W4_ROWS rows (batch $EVICT_BATCH, pause $EVICT_PAUSE_MS ms$evict_note)" \
    "$(printf '%.2f s wall' "$W4_SVC")" "$(printf 'mariadb client, DELETE ... LIMIT %d loop: %.2f s' "$RAW_EVICT_BATCH" "$W4_RAW")" \
    "${W4_RATIO}x" "<= 1.5x" "$(meets "$W4_RATIO" "<=" 1.5)"
  row "W4 point reads by PK during the service's eviction ($READ_THREADS threads, $READ_RATE/s fixed rate)" \
    "$(printf 'p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms (%s reads, %s errors)' "$(field p50_ms "$R_SVC")" "$SVC_P99" "$(field p999_ms "$R_SVC")" "$(field max_ms "$R_SVC")" "$(field n "$R_SVC")" "$(field errors "$R_SVC")")" \
    "$(printf 'during raw client: p99 %s ms, max %s ms; idle: p99 %s ms' "$(field p99_ms "$R_RAW")" "$(field max_ms "$R_RAW")" "$(field p99_ms "$R_BASE")")" \
    "—" "p99 <= 20 ms" "$(meets "$SVC_P99" "<=" 20)"
fi

# ------------------------------------------------------------------------------- report

COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && COMMIT+=" (+ uncommitted changes)"
CPU="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
MEM="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
STAMP_NOW="$(date -u +%Y-%m-%dT%H%M%SZ)"
REPORT="$ROOT/bench/results/$STAMP_NOW.md"
mkdir -p "$ROOT/bench/results"
{
  echo "# ticker-universe benchmark, $STAMP_NOW"
  echo
  echo "Command: \`scripts/bench.sh\` (BENCH_ONLY=\"$ONLY\" BENCH_DURATION=$DURATION BENCH_WARMUP=$WARMUP BENCH_CONNECTIONS=$CONNECTIONS" \
    "BENCH_W2_TICKERS=$W2_N BENCH_W4_ROWS=$W4_ROWS BENCH_READ_RATE=$READ_RATE BENCH_READ_THREADS=$READ_THREADS" \
    "BENCH_BUCKET_SECONDS=$BUCKET BENCH_ACK_REPLICAS=$ACK_REPLICAS${JAVA_OPTS:+ JAVA_OPTS=\"$JAVA_OPTS\"})"
  echo "Commit $COMMIT; $(nproc) cores ($CPU), $MEM; $(java -version 2>&1 | head -n1);" \
    "$("$REDIS_SERVER" --version | awk '{ print $1, $2, $3 }'); $("$MARIADBD" --version | awk '{ print $2, $3 }');" \
    "$("$WRK" -v 2>&1 | head -n1 | awk '{ print $1, $2 }')."
  echo "Everything on one machine over loopback: wrk, the service, Redis, MariaDB (default settings:" \
    "innodb_buffer_pool_size $(sqlc -e 'SELECT @@innodb_buffer_pool_size DIV 1048576')M," \
    "innodb_flush_log_at_trx_commit $(sqlc -e 'SELECT @@innodb_flush_log_at_trx_commit'))." \
    "Service: defaults except TU_BUFFER_BUCKET_SECONDS=$BUCKET, TU_BUFFER_RATE_PER_TOKEN=0, TU_BUFFER_ACK_REPLICAS=$ACK_REPLICAS ($ACK_REPLICAS local replicas)${TU_HTTP_INSTANCES:+ and TU_HTTP_INSTANCES=$TU_HTTP_INSTANCES}; flush chunk $CHUNK; evict batch $EVICT_BATCH, pause $EVICT_PAUSE_MS ms." \
    "wrk runs follow an unreported ${WARMUP} s warm-up run.${W4_LOAD:+ W4 table loaded by INSERT ... SELECT from seq_1_to_$W4_ROWS in ${W4_LOAD} s.}" \
    "Load average (1/5/15 min) at start $LOAD_START, at end $(cut -d" " -f1-3 /proc/loadavg): anything above ~0 at the start is another program sharing the cores."
  echo
  echo "| workload | service | reference on the same servers | ratio | target | |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
} >"$REPORT"
echo
cat "$REPORT"
echo
log "written to ${REPORT#"$ROOT"/}"
