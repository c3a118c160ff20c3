-- wrk script: POST a ticket-in body with a varying customer phone.
-- BENCH_PATH and BENCH_TOKEN come from the environment.
wrk.method = "POST"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end
local template = '{"kind":"complaint","channel":"hotline","subject":"宽带断网三天",' ..
  '"description":"家里宽带从周一开始无法上网，报修后无人上门。","category":"network_quality",' ..
  '"customer":{"name":"张伟","phone":"%s"},"fields":{"business_line":"broadband","amount":%d}}'
request = function()
  local phone = string.format("138%08d", math.random(0, 99999999))
  local body = string.format(template, phone, math.random(0, 8000))
  return wrk.format(nil, nil, nil, body)
end
