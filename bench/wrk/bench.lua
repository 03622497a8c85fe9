-- wrk script of the benchmark suite (bench/load.py drives it through the environment).
--
-- BENCH_WRK_REQUESTS  file with one request per line:
--                     METHOD <TAB> PATH <TAB> BODY or "-" [<TAB> Header: value]...
--                     Thread i of n takes lines i, i+n, i+2n, ... so that, e.g.,
--                     bookings of distinct slots stay distinct across threads.
--                     Without the file every request is a plain GET of the URL's path.
--                     At the end of its lines a thread starts again from its first:
--                     give more lines than the run can use when each must be sent
--                     once (bookings), and count the statuses to see that it was.
-- BENCH_WRK_THREADS   the -t given to wrk (how the lines are dealt out).
-- BENCH_WRK_TALLY     "1": count responses per status code (costs wrk a little CPU).
-- BENCH_WRK_OUT       where done() writes its JSON summary.

local requests_file = os.getenv("BENCH_WRK_REQUESTS")
local thread_count = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
local tally = os.getenv("BENCH_WRK_TALLY") == "1"
local out_file = os.getenv("BENCH_WRK_OUT")

local threads = {}

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

local function split(line, sep)
   local fields = {}
   local start = 1
   while true do
      local i = string.find(line, sep, start, true)
      if not i then
         table.insert(fields, string.sub(line, start))
         return fields
      end
      table.insert(fields, string.sub(line, start, i - 1))
      start = i + 1
   end
end

local queue = {}
local position = 0
statuses = {}

function init(args)
   if not requests_file then
      return
   end
   local n = thread_count
   local index = 0
   for line in io.lines(requests_file) do
      if line ~= "" then
         if index % n == thread_index then
            local fields = split(line, "\t")
            local headers = {}
            for k = 4, #fields do
               local colon = string.find(fields[k], ":", 1, true)
               headers[string.sub(fields[k], 1, colon - 1)] = string.gsub(string.sub(fields[k], colon + 1), "^%s+", "")
            end
            local body = fields[3]
            if body == "-" then
               body = nil
            end
            table.insert(queue, wrk.format(fields[1], fields[2], headers, body))
         end
         index = index + 1
      end
   end
end

function request()
   if #queue == 0 then
      return wrk.request()
   end
   position = position + 1
   if position > #queue then
      position = 1
   end
   return queue[position]
end

if tally then
   function response(status, headers, body)
      statuses[status] = (statuses[status] or 0) + 1
   end
end

local function json_statuses(all)
   local parts = {}
   for status, count in pairs(all) do
      table.insert(parts, string.format('"%d": %d', status, count))
   end
   return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
   local all = {}
   for _, thread in ipairs(threads) do
      local counts = thread:get("statuses") or {}
      for status, count in pairs(counts) do
         all[status] = (all[status] or 0) + count
      end
   end
   local e = summary.errors
   local text = string.format(
      '{"duration_us": %d, "requests": %d, "bytes": %d, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
         .. '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d, "p999": %d}, '
         .. '"statuses": %s}',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      json_statuses(all)
   )
   if out_file then
      local f = io.open(out_file, "w")
      f:write(text)
      f:close()
   else
      io.write(text .. "\n")
   end
end
