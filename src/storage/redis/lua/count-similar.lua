-- Counts near-duplicate bodies: one hash per seller and day, one counter per fingerprint band.
--
-- KEYS[1]  the seller's band counters for one day: {s:<sellerId>}:dup:<day> (hash-tagged: one cluster slot)
-- ARGV[1]  unix time in seconds at which the hash expires (the day is over everywhere, plus slack)
-- ARGV[2…] band fields "<position>:<band>" of this message's fingerprint
-- returns  the largest counter among the given fields after incrementing each of them by one:
--          how many messages that day, this one included, share a band with this one
local highest = 0
for i = 2, #ARGV do
  local n = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
  if n > highest then highest = n end
end
redis.call('EXPIREAT', KEYS[1], ARGV[1])
return highest
