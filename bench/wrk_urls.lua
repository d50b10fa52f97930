-- wrk script: each request is the next URL of a pre-generated list
-- (bench/http.sh writes it from bench_search --urls), each thread starting
-- at a different place so connections do not march in step.
local urls = {}
local file = os.getenv("URLS") or "bench/work/urls.txt"
for line in io.lines(file) do urls[#urls + 1] = line end
local counter = 0
local id = 0

setup = function(thread)
  thread:set("id", id)
  id = id + 1
end

init = function(args)
  counter = (id * 7919) % #urls
end

request = function()
  counter = counter % #urls + 1
  return wrk.format("GET", urls[counter])
end
