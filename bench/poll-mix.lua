-- wrk script: the poll path as clients drive it. Each request is one token asking for one of its
-- own tasks at random, or, with BATCH=N, for N of them at once (POST /luma/tasks).
-- $IDS_FILE holds one line per token: the token, a space, and its task ids written one after
-- another (bench/common.sh's pack_ids writes it from "token id" lines). Task ids are UUIDs, all
-- 36 characters, so each token's ids stay one string, not a table of a million strings (against
-- one server with a million tasks, wrk sent 13-16 % more queries a second that way). wrk runs
-- this file once per thread and once more; reading a million "token id" lines here took some
-- 2 s of CPU each time, partly while the first thread was already sending.
local width, owners, packed = 36, {}, {}
for line in io.lines(os.getenv("IDS_FILE")) do
  local token, ids = line:match("^(%S+) (%S+)$")
  assert(ids and #ids % width == 0, "not a packed ids line in " .. os.getenv("IDS_FILE"))
  owners[#owners + 1] = token
  packed[token] = { ids = ids, count = #ids / width }
end
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
