-- wrk script: the poll path as clients drive it. Each request is one token asking for one of its
-- own tasks at random, or, with BATCH=N, for N of them at once (POST /luma/tasks).
-- $IDS_FILE holds "token id" lines.
local owners, byToken = {}, {}
for line in io.lines(os.getenv("IDS_FILE")) do
  local token, id = line:match("(%S+) (%S+)")
  if not byToken[token] then byToken[token] = {}; owners[#owners + 1] = token end
  table.insert(byToken[token], id)
end
local batch = tonumber(os.getenv("BATCH") or "0")
math.randomseed(os.time())

request = function()
  local token = owners[math.random(#owners)]
  local ids = byToken[token]
  local headers = { ["Authorization"] = "Bearer " .. token }
  if batch == 0 then
    return wrk.format("GET", "/luma/generations/" .. ids[math.random(#ids)], headers)
  end
  local chosen = {}
  for i = 1, batch do chosen[i] = '"' .. ids[math.random(#ids)] .. '"' end
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", "/luma/tasks", headers, '{"ids": [' .. table.concat(chosen, ",") .. ']}')
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then io.stderr:write("unexpected status " .. status .. "\n") end
end
