-- POST /api/vehicles/{vin}/odometer with readings that only ever grow, and plausibly: thread i of STEP owns the
-- VINs at positions i, i+STEP, ... of ODOMETERS_FILE ("VIN KM" per line, KM the VIN's latest reading) and sends
-- each of its VINs KM+OFFSET+1, KM+OFFSET+2, ... (the system refuses a reading more than 2,000 km a day ahead of
-- the last one, so each run adds a small OFFSET rather than jumping far). readAt is the current second (UTC). Two
-- readings of one VIN in flight on two connections at once may still arrive out of order (a 409): wrk counts those
-- as non-2xx responses.
--   wrk -tSTEP ... -s odometer.lua URL -- ODOMETERS_FILE STEP OFFSET
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local vinlist = dofile(here .. "vinlist.lua")
local threads, km, vins = {}, {}, nil

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local step = tonumber(args[2])
  local position = 0
  local offset = tonumber(args[3])
  -- This thread's VINs packed into one string and their readings in an array by position (a table of half a million
  -- strings would make wrk's collector cost grow with the fleet: see vinlist.lua).
  local mine = {}
  for line in io.lines(args[1]) do
    if position % step == id then
      local vin, reading = line:match("^(%S+)%s+(%d+)")
      mine[#mine + 1] = vin
      km[#mine] = tonumber(reading) + offset
    end
    position = position + 1
  end
  vins = vinlist.pack(mine, args[1])
  math.randomseed(os.time() * 1000 + id)
  second, stamp = -1, ""
  -- Keep the command line's -H headers (the bearer token) and add the body's type.
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local i = math.random(vins.count)
  local vin = vins.at(i)
  km[i] = km[i] + 1
  local now = os.time()
  if now ~= second then
    second, stamp = now, os.date("!%Y-%m-%dT%H:%M:%SZ", now)
  end
  local body = string.format('{"readingKm":%d,"readAt":"%s"}', km[i], stamp)
  return wrk.format("POST", "/api/vehicles/" .. vin .. "/odometer", nil, body)
end
