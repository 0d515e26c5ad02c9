--[[
quarantine-put: stores a quarantined message's record and adds it to its indexes, unless the id is stored.
Existence check and writes happen in one script, so a retried hold (same queue id) can never index a record
twice or overwrite a decision a reviewer already made.

KEYS[1]  {quarantine}:rec:<id>                 hash: status, idx, record
KEYS[2]  {quarantine}:idx:all                  sorted set of every record
KEYS[3]  {quarantine}:idx:status:<status>      sorted set of the records in that status
KEYS[4]  {quarantine}:idx:seller:<sellerId>    sorted set of the seller's records
ARGV[1]  status
ARGV[2]  index member "<createdAt, 15 digits>:<id>" (scores are all 0: members sort by time, then id)
ARGV[3]  the record's other fields as JSON

Returns 1 when this call stored the record, 0 when the id was already there (nothing changed)
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'idx', ARGV[2], 'record', ARGV[3])
for i = 2, 4 do
  redis.call('ZADD', KEYS[i], 0, ARGV[2])
end
return 1
