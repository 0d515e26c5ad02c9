--[[
cap-consume: takes one unit of a seller's daily cap for one message, or refuses.
Check and take happen in one script so that racing nodes can never let cap + 1 messages through.
A unit is a lease until the message is accepted (cap-commit.lua makes it permanent): a node that crashes
between RCPT and 250 never commits, and its units free themselves when their leases end. Expired leases
are dropped here, lazily, before counting, so no sweeper is needed.
The sorted set of holders (not a bare counter) is what makes a retry harmless and a release idempotent;
consume never grows it beyond the cap, which bounds its memory.

Time is the caller's clock (ARGV[3]), the same one that chose <day>; see CapLease in src/storage/ports.ts
for why that, and not the server's TIME, judges leases.

KEYS[1]  {s:<sellerId>}:cap:<day>         hash written by cap-get-or-set.lua; only its "cap" field is read
KEYS[2]  {s:<sellerId>}:cap:<day>:leases  sorted set: message id -> instant (ms) its unit stops counting,
                                          +inf once committed
ARGV[1]  message id
ARGV[2]  lifetime of the sorted set in milliseconds, applied when this call creates it
ARGV[3]  now, in ms: members scored <= now are expired leases and are removed before counting
ARGV[4]  end of the lease in ms, or +inf to take the unit committed at once

Returns { status, used, cap }
  status  1 consumed: the message now holds a unit
          2 held: the message already held one (a live lease or committed); nothing more taken. A lease
            is extended to ARGV[4] if that is later; it is never shortened, and a committed unit stays so
          0 full: used >= cap; nothing taken
         -1 no cap record for the day yet: store one with cap-get-or-set.lua, then call again
  used    units counted after this call (committed plus live leases)
  cap     the stored cap (0 when status is -1)
]]
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
if not cap then
  return { -1, 0, 0 }
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
local used = redis.call('ZCARD', KEYS[2])
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
  redis.call('ZADD', KEYS[2], 'XX', 'GT', ARGV[4], ARGV[1])
  return { 2, used, cap }
end
if used >= cap then
  return { 0, used, cap }
end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
-- Redis deletes an emptied sorted set, so used == 0 means this call created it and it needs its lifetime.
if used == 0 then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return { 1, used + 1, cap }
