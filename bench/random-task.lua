-- wrk script: GET /luma/generations/{id} over ids read from $IDS_FILE, at random. Every id has
-- the same length (task ids are UUIDs); they are kept as one string, not a table of strings, as
-- in poll-mix.lua (where that made wrk faster at a million ids).
local parts, width = {}, nil
for line in io.lines(os.getenv("IDS_FILE")) do
  width = width or #line
  assert(#line == width, "ids of different lengths in " .. os.getenv("IDS_FILE"))
  parts[#parts + 1] = line
end
local count, ids = #parts, table.concat(parts)
parts = nil
collectgarbage()
local token = os.getenv("TOKEN")
math.randomseed(os.time())

request = function()
  local start = (math.random(count) - 1) * width + 1
  return wrk.format("GET", "/luma/generations/" .. ids:sub(start, start + width - 1), { ["Authorization"] = "Bearer " .. token })
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
