--[[
rate-hit: counts one hit against a fixed-window rate limit and judges it, in one step, so racing nodes
can never let limit + 1 hits through in a window.
The window starts at the key's first hit and lasts ARGV[1] ms; Redis expires the key when it ends, so a
quiet client costs no memory and nothing has to sweep. Refused hits count too: a client that keeps
hammering stays refused until its window ends, and its retry hint only ever shrinks.
One key per call, so any Redis Cluster slot serves it; the key still carries a hash tag (keys.ts) so a
later companion key can join it in the same slot.

KEYS[1]  {rate:<name>}  counter (integer string) expiring when its window ends
ARGV[1]  window length in milliseconds
ARGV[2]  limit: hits allowed per window

Returns { allowed, count, ttl }
  allowed  1 when count <= limit, else 0
  count    hits in the current window, this one included
  ttl      milliseconds until the window ends
]]
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  -- A key this call created (count 1), or one that somehow lost its expiry: the window starts now.
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
local allowed = 0
if count <= tonumber(ARGV[2]) then
  allowed = 1
end
return { allowed, count, ttl }
