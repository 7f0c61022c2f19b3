-- A list file held as ONE string of fixed-width lines instead of a table of strings. LuaJIT interns every string and
-- its collector marks and sweeps each one on every cycle, so a table of a million VINs made wrk's own cost per
-- request grow with the list: 33 % of a core at 10,000 VINs against 42 % at 1,000,000 for the same warranty GETs
-- (64 connections, bench/profiling.md round 7), CPU the silo under test then lacked. Here the list costs the
-- collector one object whatever its length. Every line must have the same width (VINs: 17 characters).
--   local vinlist = dofile(script_dir .. "vinlist.lua")
--   local list = vinlist.load(path)          -- a file, one value a line
--   local list = vinlist.pack(values, what)  -- values already read (a table the collector may then free)
--   list.at(i), list.count
local vinlist = {}

-- The list over TEXT, COUNT records of RECORD characters each, the value being the first WIDTH of them.
local function over(text, count, record, width)
  return {
    count = count,
    -- The i-th value (1-based).
    at = function(i)
      local start = (i - 1) * record + 1
      return text:sub(start, start + width - 1)
    end,
  }
end

function vinlist.load(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  if text:sub(-1) ~= "\n" then text = text .. "\n" end
  local width = text:find("\n", 1, true) - 1
  local record = width + 1
  assert(width > 0, path .. ": the first line is empty")
  assert(#text % record == 0, path .. ": lines of different widths (every line must be " .. width .. " characters)")
  local count = #text / record
  for i = 1, count do
    assert(text:byte(i * record) == 10, path .. ": line " .. i .. " is not " .. width .. " characters like the first")
  end
  return over(text, count, record, width)
end

function vinlist.pack(values, what)
  local width = #(values[1] or "")
  for i, value in ipairs(values) do
    assert(#value == width, what .. ": value " .. i .. " is not " .. width .. " characters like the first")
  end
  return over(table.concat(values), #values, width, width)
end

return vinlist
