-- wrk script: the poll path as clients drive it. Each request is one token asking for one of its
-- own tasks at random, or, with BATCH=N, for N of them at once (POST /luma/tasks).
-- $IDS_FILE holds "token id" lines; every id has the same length (task ids are UUIDs).
--
-- Each token's ids are kept as one string, not a table of a million strings: against one server
-- with a million tasks, wrk sent 13-16 % more queries a second this way (two alternating pairs
-- of 16 s runs), on the same cores as the gateway.
local parts, owners, width = {}, {}, nil
for line in io.lines(os.getenv("IDS_FILE")) do
  local token, id = line:match("(%S+) (%S+)")
  width = width or #id
  assert(#id == width, "ids of different lengths in " .. os.getenv("IDS_FILE"))
  if not parts[token] then parts[token] = {}; owners[#owners + 1] = token end
  table.insert(parts[token], id)
end
local packed = {}
for token, ids in pairs(parts) do packed[token] = { ids = table.concat(ids), count = #ids } end
parts = nil
collectgarbage()
local batch = tonumber(os.getenv("BATCH") or "0")
math.randomseed(os.time())

local function pick(ids)
  local start = (math.random(ids.count) - 1) * width + 1
  return ids.ids:sub(start, start + width - 1)
end

request = function()
  local token = owners[math.random(#owners)]
  local ids = packed[token]
  local headers = { ["Authorization"] = "Bearer " .. token }
  if batch == 0 then
    return wrk.format("GET", "/luma/generations/" .. pick(ids), headers)
  end
  local chosen = {}
  for i = 1, batch do chosen[i] = '"' .. pick(ids) .. '"' end
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/luma/tasks", headers, '{"ids": [' .. table.concat(chosen, ",") .. ']}')
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("unexpected status " .. status .. "\n") end
end
