-- wrk script: GET /luma/generations/{id} over ids read from $IDS_FILE, at random.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do ids[#ids + 1] = line end
local token = os.getenv("TOKEN")
math.randomseed(os.time())

request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/luma/generations/" .. id, { ["Authorization"] = "Bearer " .. token })
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
