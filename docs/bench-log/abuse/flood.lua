-- One client (X-Forwarded-For 203.0.113.66, through a trusted proxy) sending applications as fast as it can.
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/api/events/demo/applications",
    { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = "203.0.113.66" },
    '{"userId":"flood-' .. n .. '"}')
end
