-- GET /api/system/constant, generated per request exactly as warranty.lua generates its requests (a random VIN,
-- here in an ignored query string), so the ceiling and the warranty figures pay the same load-generator cost.
--   wrk ... -s constant.lua URL -- VINS_FILE
local threads, vins = {}, {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do vins[#vins + 1] = line end
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("GET", "/api/system/constant?vin=" .. vins[math.random(#vins)])
end
