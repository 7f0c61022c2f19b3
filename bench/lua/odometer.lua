-- POST /api/vehicles/{vin}/odometer with a reading that only ever grows: thread i of STEP owns the VINs at
-- positions i, i+STEP, ... and numbers its readings BASE+1, BASE+2, ..., so every VIN sees increasing km.
-- readAt is the current second (UTC). Two readings of one VIN in flight on two connections at once may
-- still arrive out of order (a 409): wrk counts those as non-2xx responses.
--   wrk -tSTEP ... -s odometer.lua URL -- VINS_FILE STEP BASE
local threads, vins = {}, {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local step = tonumber(args[2])
  local position = 0
  for line in io.lines(args[1]) do
    if position % step == id then vins[#vins + 1] = line end
    position = position + 1
  end
  km = tonumber(args[3])
  math.randomseed(os.time() * 1000 + id)
  second, stamp = -1, ""
  -- Keep the command line's -H headers (the bearer token) and add the body's type.
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  km = km + 1
  local now = os.time()
  if now ~= second then
    second, stamp = now, os.date("!%Y-%m-%dT%H:%M:%SZ", now)
  end
  local body = string.format('{"readingKm":%d,"readAt":"%s"}', km, stamp)
  return wrk.format("POST", "/api/vehicles/" .. vins[math.random(#vins)] .. "/odometer", nil, body)
end
