-- GET /api/vehicles/{vin} (identity, owner, odometer: one grain call, no warranty rules) for a random VIN: it
-- separates the cost of the grain call path from the cost of the warranty assessment and its larger reply.
--   wrk ... -s vehicle.lua URL -- VINS_FILE
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
  return wrk.format("GET", "/api/vehicles/" .. vins[math.random(#vins)])
end
