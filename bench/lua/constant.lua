-- GET /api/system/constant, generated per request exactly as warranty.lua generates its requests (a random VIN,
-- here in an ignored query string), so the ceiling and the warranty figures pay the same load-generator cost.
--   wrk ... -s constant.lua URL -- VINS_FILE
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
  return wrk.format("GET", "/api/system/constant?vin=" .. vins.at(math.random(vins.count)))
end
