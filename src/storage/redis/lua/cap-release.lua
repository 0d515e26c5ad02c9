--[[
cap-release: gives back the unit a message holds, pending or committed, when the message is refused
after it was counted (policy reject, size, a transaction abandoned before 250).
Only a message in the holders set gives anything back, so a second release, or a release for a
message that never held a unit, cannot push the usage below what was really sent. An expired lease
is dropped before the lookup: it no longer held a unit, so releasing it gives nothing back.

KEYS[1]  {s:<sellerId>}:cap:<day>:leases  sorted set: message id -> lease end in ms, +inf once committed
ARGV[1]  message id
ARGV[2]  now, in ms: members scored <= now are expired leases and are removed first

Returns { released, used }
  released  1 when the message held a unit and gave it back, 0 otherwise
  used      units counted after this call (committed plus live leases)
]]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local released = redis.call('ZREM', KEYS[1], ARGV[1])
return { released, redis.call('ZCARD', KEYS[1]) }
