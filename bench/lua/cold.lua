-- First touch: GET /api/vehicles/{vin}/warranty walking the VIN list from FROM to TO (1-based, inclusive)
-- without repeats; thread i of STEP takes FROM+i, FROM+i+STEP, ... If a thread runs past TO it starts
-- over (those requests are warm) and done() prints a COLD_WRAPPED line, so such a figure is never quoted.
--   wrk -tSTEP ... -s cold.lua URL -- VINS_FILE STEP FROM TO
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local vinlist = dofile(here .. "vinlist.lua")
local threads, vins = {}, nil

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  vins = vinlist.load(args[1])
  step, first, last = tonumber(args[2]), tonumber(args[3]), math.min(tonumber(args[4]), vins.count)
  pos, wrapped = first + id, 0
end

function request()
  if pos > last then
    pos, wrapped = first + id, wrapped + 1
  end
  local vin = vins.at(pos)
  pos = pos + step
  return wrk.format("GET", "/api/vehicles/" .. vin .. "/warranty")
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local wrapped = thread:get("wrapped")
    if wrapped and wrapped > 0 then
      io.write(string.format("COLD_WRAPPED thread %d ran past the end of its slice %d time(s)\n", thread:get("id"), wrapped))
    end
  end
end
