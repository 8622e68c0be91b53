-- wrk script: POST /luma/generations, each request as the next of the tokens in $TOKENS
-- (comma-separated), so submits of different clients can proceed side by side.
local tokens = {}
for token in string.gmatch(os.getenv("TOKENS"), "[^,]+") do tokens[#tokens + 1] = token end
local counter = 0

request = function()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = '{"user_prompt": "benchmark submit ' .. counter .. '"}'
  return wrk.format("POST", "/luma/generations",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
