--[[
cap-consume: takes one unit of a seller's daily cap for one message, or refuses.
Check and take happen in one script so that racing nodes can never let cap + 1 messages through.
The set of holders (not a bare counter) is what makes a retry harmless and a release idempotent;
consume never grows it beyond the cap, which bounds its memory.

KEYS[1]  {s:<sellerId>}:cap:<day>       hash written by cap-get-or-set.lua; only its "cap" field is read
KEYS[2]  {s:<sellerId>}:cap:<day>:held  set of message ids holding a unit that day
ARGV[1]  message id
ARGV[2]  lifetime of the set in milliseconds, applied when this call creates it

Returns { status, used, cap }
  status  1 consumed: the message now holds a unit
          2 held: the message already held one; nothing more taken
          0 full: used >= cap; nothing taken
         -1 no cap record for the day yet: store one with cap-get-or-set.lua, then call again
  used    units held after this call
  cap     the stored cap (0 when status is -1)
]]
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
if not cap then
  return { -1, 0, 0 }
end
local used = redis.call('SCARD', KEYS[2])
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  return { 2, used, cap }
end
if used >= cap then
  return { 0, used, cap }
end
redis.call('SADD', KEYS[2], ARGV[1])
-- Redis deletes an emptied set, so used == 0 means this call created it and it needs its lifetime.
if used == 0 then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return { 1, used + 1, cap }
