-- wrk script of bench/load.py: each request takes the next URL of the file named by LOAD_URLS (one path per
-- line, rotated per thread) with the session cookie LOAD_COOKIE; done() prints one JSON line of figures.
local paths = {}
local file = assert(io.open(os.getenv("LOAD_URLS"), "r"))
for line in file:lines() do
  if #line > 0 then paths[#paths + 1] = line end
end
file:close()
local cookie = os.getenv("LOAD_COOKIE") or ""
local index = 0

request = function()
  index = index % #paths + 1
  local headers = {}
  if #cookie > 0 then headers["Cookie"] = cookie end
  return wrk.format("GET", paths[index], headers)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
