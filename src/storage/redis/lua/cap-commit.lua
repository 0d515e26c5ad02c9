--[[
cap-commit: makes the unit of a message permanent once the relay has durably accepted it (the 250).
A message whose lease ran out before this call was sent all the same, so it is recorded rather than
forgotten, even if that takes the day past its cap: counting one message too many is the safe error,
letting a seller send one more than the cap without trace is not.

KEYS[1]  {s:<sellerId>}:cap:<day>         hash written by cap-get-or-set.lua; its lifetime is copied
KEYS[2]  {s:<sellerId>}:cap:<day>:leases  sorted set: message id -> lease end in ms, +inf once committed
ARGV[1]  message id
ARGV[2]  now, in ms: a lease scored <= now has expired; expired leases are removed after the lookup
ARGV[3]  1: record the message even if it holds nothing (its lease was already dropped); 0: leave it

Returns { status, used }
  status  1 committed: the message held a live lease, now +inf, or was committed already
          2 late: its lease had expired (or was gone and ARGV[3] is 1); it is committed now all the same
          0 missing: it holds nothing and ARGV[3] is 0; nothing changed
         -1 the day has no cap record (never fixed, or expired); nothing changed
  used    units counted after this call (committed plus live leases; 0 when status is -1)
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return { -1, 0 }
end
local now = tonumber(ARGV[2])
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
local status = 0
-- Redis answers "inf" for +inf; compared as text so as not to depend on Lua parsing it.
if score and (score == 'inf' or tonumber(score) > now) then
  status = 1
elseif score or ARGV[3] == '1' then
  status = 2
end
-- Looked up before dropping expired leases, so a late commit is still found on the day it was taken.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
if status ~= 0 then
  redis.call('ZADD', KEYS[2], '+inf', ARGV[1])
  -- The set is new if its last lease was just dropped: it lives as long as the day's record.
  if redis.call('PTTL', KEYS[2]) == -1 then
    local lifetime = redis.call('PTTL', KEYS[1])
    if lifetime > 0 then
      redis.call('PEXPIRE', KEYS[2], lifetime)
    end
  end
end
return { status, redis.call('ZCARD', KEYS[2]) }
