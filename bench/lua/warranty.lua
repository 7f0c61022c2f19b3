-- GET /api/vehicles/{vin}/warranty for a random VIN of the list per request.
--   wrk ... -s warranty.lua URL -- VINS_FILE
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
  return wrk.format("GET", "/api/vehicles/" .. vins.at(math.random(vins.count)) .. "/warranty")
end
