-- W3: GET /api/v1/universe asking for gzip, as a dashboard would on a cold cache (no
-- If-None-Match, so every answer is the full gzip body).
-- Environment: BENCH_TOKEN (API bearer token), BENCH_LUA_DIR (folder of report.lua).
dofile((os.getenv("BENCH_LUA_DIR") or "bench/wrk") .. "/report.lua")

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
wrk.method = "GET"
wrk.path = "/api/v1/universe"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Accept-Encoding"] = "gzip"

function done(summary, latency, requests)
  bench_report(summary, latency)
end
