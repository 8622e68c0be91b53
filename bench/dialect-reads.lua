-- wrk script for bench/dialects.py: one read route of a face, each request for the next of the
-- task ids in $IDS (comma-separated). $METHOD and $PATH_TEMPLATE say the route ("{id}" is the
-- id); $BODY_TEMPLATE, if set, is the JSON body ("{id}" the id, "{ids}" a JSON list of $BATCH
-- ids from there on); $KEY_HEADER names the header the token goes in (its value "Bearer <token>"
-- for Authorization, the bare token otherwise).
local ids = {}
for id in string.gmatch(os.getenv("IDS"), "[^,]+") do ids[#ids + 1] = id end
local method, template, body_template = os.getenv("METHOD"), os.getenv("PATH_TEMPLATE"), os.getenv("BODY_TEMPLATE")
local batch = tonumber(os.getenv("BATCH") or "1")
local headers = { [os.getenv("KEY_HEADER")] = os.getenv("KEY_VALUE"), ["Content-Type"] = "application/json" }
local counter = 0

request = function()
  counter = counter + 1
  local id = ids[(counter % #ids) + 1]
  local body = nil
  if body_template and body_template ~= "" then
    local list = {}
    for n = 0, batch - 1 do list[#list + 1] = '"' .. ids[((counter + n) % #ids) + 1] .. '"' end
    body = body_template:gsub("{ids}", "[" .. table.concat(list, ",") .. "]"):gsub("{id}", id)
  end
  return wrk.format(method, (template:gsub("{id}", id)), headers, body)
end

-- Every answer must be a 200: a benchmark of errors would measure nothing.
response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
