-- wrk script for bench/survey.sh: every request posts a complete answer
-- for the next copy of this thread's share of the prepared (path, nonce)
-- pairs, each pair once; responses are counted by what the page says.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  pairs_ = {}
  local n = 0
  for line in io.lines(os.getenv("PAIRS")) do
    if n % tonumber(os.getenv("THREADS")) == id then
      local path, nonce = line:match("(%S+) (%S+)")
      table.insert(pairs_, { path, nonce })
    end
    n = n + 1
  end
  next_ = 1
  stored, answered, other = 0, 0, 0
  body_tail = "&Q1=%E6%BB%A1%E6%84%8F&Q2=%E7%9F%A5%E6%99%93&Q3=%E5%8F%82%E5%8A%A0%E8%BF%87&Q4=%E6%BB%A1%E6%84%8F&Q5=%E6%BB%A1%E6%84%8F&Q6=%E7%9F%A5%E6%99%93&Q7=%E6%BB%A1%E6%84%8F&Q8=%E7%9F%A5%E6%99%93&Q9=%E6%BB%A1%E6%84%8F&O1=bench"
end

function request()
  local p = pairs_[next_]
  if p == nil then
    p = pairs_[1]
  else
    next_ = next_ + 1
  end
  return wrk.format("POST", p[1], { ["Content-Type"] = "application/x-www-form-urlencoded" }, "nonce=" .. p[2] .. body_tail)
end

function response(status, headers, body)
  if status == 200 and body:find("提交成功", 1, true) then
    stored = stored + 1
  elseif body:find("已经填写过", 1, true) or body:find("页面已过期", 1, true) then
    answered = answered + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s, a, o = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("stored")
    a = a + t:get("answered")
    o = o + t:get("other")
  end
  io.write(string.format("ACCEPTED %d REFUSED %d OTHER %d\n", s, a, o))
  io.write(string.format("P50_MS %.1f P99_MS %.1f MAX_MS %.1f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
