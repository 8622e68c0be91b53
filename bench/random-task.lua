-- wrk script: GET /luma/generations/{id} over ids read from $IDS_FILE (one per line), at random.
-- Every id has the same length (task ids are UUIDs), so the file is read whole and each id found
-- by its line's offset: no loop over a million lines in each of wrk's Lua states (see
-- poll-mix.lua).
local file = assert(io.open(os.getenv("IDS_FILE")))
local ids = file:read("*a")
file:close()
local width = ids:find("\n") - 1
assert(#ids % (width + 1) == 0, "ids of different lengths in " .. os.getenv("IDS_FILE"))
local count = #ids / (width + 1)
local token = os.getenv("TOKEN")
math.randomseed(os.time())

request = function()
  local start = (math.random(count) - 1) * (width + 1) + 1
  return wrk.format("GET", "/luma/generations/" .. ids:sub(start, start + width - 1), { ["Authorization"] = "Bearer " .. token })
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
