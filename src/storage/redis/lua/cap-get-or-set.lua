--[[
cap-get-or-set: stores a seller's cap record for one day unless one is stored already.
Every node that needs the day's cap computes a candidate; the first to arrive fixes it for everyone,
so all nodes enforce one number and the record stays as it was when first enforced.

KEYS[1]  {s:<sellerId>}:cap:<day>  hash holding the record
ARGV[1]  lifetime of the record in milliseconds (rest of the day plus a margin)
ARGV[2..] field, value, field, value, ... of the candidate record

Returns { created, fields }
  created  1 when this call stored the candidate, 0 when a record was already there
  fields   the stored record as HGETALL gives it: { field, value, ... }
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return { 1, redis.call('HGETALL', KEYS[1]) }
end
return { 0, redis.call('HGETALL', KEYS[1]) }
