--[[
cap-release: gives back the unit a message holds, when the message is refused after it was counted.
Only a message in the holders set gives anything back, so a second release, or a release for a
message that never held a unit, cannot push the usage below what was really sent.

KEYS[1]  {s:<sellerId>}:cap:<day>:held  set of message ids holding a unit that day
ARGV[1]  message id

Returns { released, used }
  released  1 when the message held a unit and gave it back, 0 otherwise
  used      units held after this call
]]
local released = redis.call('SREM', KEYS[1], ARGV[1])
return { released, redis.call('SCARD', KEYS[1]) }
