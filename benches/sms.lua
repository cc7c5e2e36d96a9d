-- wrk script: replays pre-signed SMS webhooks, each thread its own share, none twice.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  n = 0
  stride = tonumber(args[2])
end

function request()
  local line = lines[(n * stride + id) % #lines + 1]
  n = n + 1
  local signature, body = line:match("([^\t]+)\t(.*)")
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = signature,
  }, body)
end
