-- GET /api/vehicles/{vin} (identity, owner, odometer: one grain call, no warranty rules) for a random VIN: it
-- separates the cost of the grain call path from the cost of the warranty assessment and its larger reply.
--   wrk ... -s vehicle.lua URL -- VINS_FILE
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local vinlist = dofile(here .. "vinlist.lua")
local threads, vins = {}, nil

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  vins = vinlist.load(args[1])
  math.randomseed(os.time() * 1000 + id)
end

function request()
  return wrk.format("GET", "/api/vehicles/" .. vins.at(math.random(vins.count)))
end
