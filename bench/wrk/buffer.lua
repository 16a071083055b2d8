-- W1: POST /api/v1/tickers/buffer with 10 random valid tickers per request, drawn from a pool of
-- BENCH_POOL (default 5000) tickers that every thread builds the same way (fixed seed).
-- Environment: BENCH_TOKEN (API bearer token), BENCH_LUA_DIR (folder of report.lua).
dofile((os.getenv("BENCH_LUA_DIR") or "bench/wrk") .. "/report.lua")

local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN is not set")
local pool_size = tonumber(os.getenv("BENCH_POOL") or "5000")
local per_request = 10
local letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
local suffixes = { "", "", "", "", ".L", ".DE", ".PA", ".HK", ".TO", "-USD" }
local pool = {}
local headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. token,
}

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(42)
  local seen = {}
  while #pool < pool_size do
    local len = math.random(1, 5)
    local s = {}
    for i = 1, len do
      local k = math.random(1, 26)
      s[i] = letters:sub(k, k)
    end
    local t = table.concat(s) .. suffixes[math.random(1, #suffixes)]
    if not seen[t] then
      seen[t] = true
      pool[#pool + 1] = '"' .. t .. '"'
    end
  end
  math.randomseed(1000 + (id or 0))
end

function request()
  local pick = {}
  for i = 1, per_request do
    pick[i] = pool[math.random(1, #pool)]
  end
  return wrk.format("POST", "/api/v1/tickers/buffer", headers,
    '{"tickers":[' .. table.concat(pick, ",") .. ']}')
end

function done(summary, latency, requests)
  bench_report(summary, latency)
end
