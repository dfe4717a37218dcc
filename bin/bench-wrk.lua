-- wrk script of bin/bench-wrk: POSTs applications of one event from random users and counts the
-- answers by HTTP status and by decision (ISSUED, or the rejection's reason).
--   EVENT_ID  the event to apply for
--   USERS     users are u-1 .. u-USERS, drawn at random for every request
--   WAIT_MS   the ?waitMs of every application (0: none)
local event_id = os.getenv("EVENT_ID") or "demo"
local users = tonumber(os.getenv("USERS") or "3000")
local wait_ms = tonumber(os.getenv("WAIT_MS") or "5000")
local path = "/api/events/" .. event_id .. "/applications"
if wait_ms > 0 then
  path = path .. "?waitMs=" .. wait_ms
end
local headers = { ["Content-Type"] = "application/json" }

local threads = {}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("id", thread_number)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  counts = {}
end

function request()
  return wrk.format("POST", path, headers, '{"userId":"u-' .. math.random(users) .. '"}')
end

function response(status, response_headers, body)
  local outcome = string.match(body, '"reason":"(%u[%u_]*)"') or string.match(body, '"status":"(%u+)"') or "none"
  local key = status .. " " .. outcome
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      all[key] = (all[key] or 0) + n
    end
  end
  local keys = {}
  for key in pairs(all) do
    table.insert(keys, key)
  end
  table.sort(keys)
  local parts = {}
  for _, key in ipairs(keys) do
    table.insert(parts, string.format('"%s":%d', key, all[key]))
  end
  io.write(string.format('WRK_RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,'
      .. '"p99_ms":%.2f,"max_ms":%.2f,"socket_errors":%d,"answers":{%s}}\n',
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      table.concat(parts, ",")))
end
