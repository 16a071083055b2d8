-- W1's reference for the HTTP stack alone: GET /health/live (no body, no bus, no Redis), to
-- show what the router, server and wrk itself cost on the same cores.
dofile((os.getenv("BENCH_LUA_DIR") or "bench/wrk") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/health/live"

function done(summary, latency, requests)
  bench_report(summary, latency)
end
