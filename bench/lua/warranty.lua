-- GET /api/vehicles/{vin}/warranty for a random VIN of the list per request.
--   wrk ... -s warranty.lua URL -- VINS_FILE
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
  return wrk.format("GET", "/api/vehicles/" .. vins[math.random(#vins)] .. "/warranty")
end
