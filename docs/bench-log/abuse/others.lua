-- Many other clients: each request from one of 1,000 addresses (10.1.0.0/22 through a trusted proxy),
-- so each sends about 1/1,000 of the load, far below its rate.
math.randomseed(os.time())
local n = 0
request = function()
  n = n + 1
  local ip = "10.1." .. math.random(0, 3) .. "." .. math.random(1, 250)
  return wrk.format("POST", "/api/events/demo/applications",
    { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip },
    '{"userId":"m-' .. math.random(1, 100000000) .. '"}')
end
