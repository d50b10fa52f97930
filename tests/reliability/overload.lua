-- wrk script for tests/reliability/overload.py: the URL mix of
-- bench/wrk_urls.lua (URLS names the file), and a count of every status
-- and of the 503s that carry Retry-After, summed over the threads.
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end
local threads = {}
local id = 0

setup = function(thread)
  thread:set("id", id)
  id = id + 1
  table.insert(threads, thread)
end

init = function(args)
  counter = (id * 7919) % #urls
  codes = {}
  retry_after = 0
end

request = function()
  counter = counter % #urls + 1
  return wrk.format("GET", urls[counter])
end

response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
  if status == 503 and headers["Retry-After"] ~= nil then retry_after = retry_after + 1 end
end

done = function(summary, latency, requests)
  local total, ra = {}, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do total[k] = (total[k] or 0) + v end
    ra = ra + t:get("retry_after")
  end
  io.write("STATUS")
  for k, v in pairs(total) do io.write(string.format(" %d=%d", k, v)) end
  io.write(string.format(" retry_after=%d\n", ra))
  local e = summary.errors
  io.write(string.format("ERRORS connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read,
                         e.write, e.timeout))
  io.write(string.format("LATENCY p50_us=%d p99_us=%d max_us=%d requests=%d\n",
                         latency:percentile(50), latency:percentile(99), latency.max,
                         summary.requests))
end
