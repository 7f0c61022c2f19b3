-- GET /api/stations/nearby around a random point of POINTS_FILE (lines "latitude,longitude"), 50 km radius.
--   wrk ... -s nearby.lua URL -- POINTS_FILE
local points = {}

function init(args)
  for line in io.lines(args[1]) do points[#points + 1] = line end
  math.randomseed(os.time() * 1000 + #points)
end

function request()
  local lat, lon = points[math.random(#points)]:match("([^,]+),([^,]+)")
  return wrk.format("GET", "/api/stations/nearby?latitude=" .. lat .. "&longitude=" .. lon .. "&radiusKm=50")
end
