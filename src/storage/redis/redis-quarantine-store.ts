import type { QuarantineDecision, QuarantineFilter, QuarantinePage, QuarantineRecord, QuarantineStatus } from '../../quarantine/quarantine-record.js';
import { QUARANTINE_STATUSES } from '../../quarantine/quarantine-record.js';
import { guard } from '../guard.js';
import type { QuarantineBlobs, QuarantineDecideResult, QuarantineStore } from '../ports.js';
import { chooseIndex, collectPage, type IndexEntry, type ListPosition } from '../quarantine-listing.js';
import type { RedisClient } from './client.js';
import { redisScript, type ScriptCall } from './redis-script.js';
import { keys } from './keys.js';

/** 15 digits hold any ms timestamp until the year 33658, so lexical order of members is time order. */
const member = (createdAt: number, id: string): string => `${String(createdAt).padStart(15, '0')}:${id}`;
const positionOf = (m: string): ListPosition => ({ createdAt: Number(m.slice(0, 15)), id: m.slice(16) });

function fromHash(hash: Record<string, string>): QuarantineRecord | null {
  if (!hash.status || !hash.record) return null;
  const record = { ...(JSON.parse(hash.record) as Omit<QuarantineRecord, 'status' | 'decision'>), status: hash.status as QuarantineStatus };
  return hash.decision ? { ...record, decision: JSON.parse(hash.decision) as QuarantineDecision } : record;
}

function hashFromFlat(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

function indexKey(filter: QuarantineFilter): string {
  const index = chooseIndex(filter);
  if (index.kind === 'seller') return keys.quarantineBySeller(index.sellerId);
  if (index.kind === 'status') return keys.quarantineByStatus(index.status);
  return keys.quarantineAll();
}

/**
 * Quarantine on Redis. Records and indexes live in the {quarantine} slot and change only through the two
 * scripts (or one MULTI for purge), so indexes always agree with records. The sealed blobs live under the
 * message's own tag and are written first, with an expiry as a backstop: if the record write never lands,
 * they cannot outlive retention.
 */
export class RedisQuarantineStore implements QuarantineStore {
  private readonly putScript: ScriptCall;
  private readonly decideScript: ScriptCall;

  constructor(private readonly redis: RedisClient) {
    this.putScript = redisScript(redis, 'quarantine-put.lua', 4);
    this.decideScript = redisScript(redis, 'quarantine-decide.lua', 3);
  }

  put(record: QuarantineRecord, blobs: QuarantineBlobs, keepUntil: number): Promise<{ created: boolean }> {
    return guard('putQuarantine', async () => {
      const blobWrites = await this.redis
        .multi()
        .set(keys.quarantineContent(record.id), blobs.content, 'PXAT', keepUntil, 'NX')
        .set(keys.quarantineRaw(record.id), blobs.raw, 'PXAT', keepUntil, 'NX')
        .exec();
      const failed = blobWrites?.find(([err]) => err)?.[0];
      if (!blobWrites || failed) throw failed ?? new Error('quarantine blob transaction was aborted');
      const { status, decision: _decision, ...rest } = record;
      const created = await this.putScript(
        keys.quarantineRecord(record.id),
        keys.quarantineAll(),
        keys.quarantineByStatus(status),
        keys.quarantineBySeller(record.sellerId),
        status,
        member(record.createdAt, record.id),
        JSON.stringify(rest),
      );
      return { created: created === 1 };
    });
  }

  get(id: string): Promise<QuarantineRecord | null> {
    return guard('getQuarantine', async () => fromHash(await this.redis.hgetall(keys.quarantineRecord(id))));
  }

  getContent(id: string): Promise<Buffer | null> {
    return guard('getQuarantineContent', () => this.redis.getBuffer(keys.quarantineContent(id)));
  }

  getRaw(id: string): Promise<Buffer | null> {
    return guard('getQuarantineRaw', () => this.redis.getBuffer(keys.quarantineRaw(id)));
  }

  list(filter: QuarantineFilter, page: { cursor?: string | undefined; limit: number }): Promise<QuarantinePage> {
    return guard('listQuarantine', () => {
      const key = indexKey(filter);
      const min = filter.since === undefined ? '-' : `[${member(filter.since, '')}`;
      return collectPage(
        async (after, count) => {
          // Exclusive upper bound: below the cursor, and below `until` (every member at `until` sorts above its bare prefix).
          const untilBound = filter.until === undefined ? undefined : member(filter.until, '');
          const afterBound = after === undefined ? undefined : member(after.createdAt, after.id);
          const bound = [untilBound, afterBound].filter((b) => b !== undefined).sort()[0];
          const members = await this.redis.zrange(key, bound === undefined ? '+' : `(${bound}`, min, 'BYLEX', 'REV', 'LIMIT', 0, count);
          return this.entries(members);
        },
        filter,
        page.cursor,
        page.limit,
      );
    });
  }

  decide(id: string, from: QuarantineStatus, decision: QuarantineDecision): Promise<QuarantineDecideResult> {
    return guard('decideQuarantine', async () => {
      const [outcome, flat] = (await this.decideScript(
        keys.quarantineRecord(id),
        keys.quarantineByStatus(from),
        keys.quarantineByStatus(decision.status),
        from,
        decision.status,
        JSON.stringify(decision),
      )) as [number, string[]];
      if (outcome === -1) return { outcome: 'missing' };
      const record = fromHash(hashFromFlat(flat));
      if (!record) throw new Error(`quarantine record ${id} is malformed`);
      return { outcome: outcome === 1 ? 'decided' : 'conflict', record };
    });
  }

  /**
   * Records and index entries go in one MULTI (one slot). Each record is removed from every status index, not
   * only the one it was read in, so a decision racing the purge cannot leave a dangling entry. Blobs go after
   * their records: if that step fails, their expiry still removes them.
   */
  purge(before: number, limit: number): Promise<number> {
    return guard('purgeQuarantine', async () => {
      const members = await this.redis.zrange(keys.quarantineAll(), '-', `(${member(before, '')}`, 'BYLEX', 'LIMIT', 0, limit);
      if (members.length === 0) return 0;
      const records = await this.entries(members);
      const tx = this.redis.multi();
      for (const { position, record } of records) {
        const m = member(position.createdAt, position.id);
        tx.del(keys.quarantineRecord(position.id)).zrem(keys.quarantineAll(), m);
        for (const status of QUARANTINE_STATUSES) tx.zrem(keys.quarantineByStatus(status), m);
        if (record) tx.zrem(keys.quarantineBySeller(record.sellerId), m);
      }
      const replies = await tx.exec();
      if (!replies) throw new Error('quarantine purge transaction was aborted');
      let removed = 0;
      let i = 0;
      for (const { record } of records) {
        const [err, deleted] = replies[i]!;
        if (err) throw err;
        removed += Number(deleted);
        i += 2 + QUARANTINE_STATUSES.length + (record ? 1 : 0);
      }
      await Promise.all(records.map(({ position }) => this.redis.del(keys.quarantineContent(position.id), keys.quarantineRaw(position.id))));
      return removed;
    });
  }

  /** Records for index members in one round trip (all in the {quarantine} slot, so Cluster takes the MULTI). */
  private async entries(members: string[]): Promise<IndexEntry[]> {
    if (members.length === 0) return [];
    const positions = members.map(positionOf);
    const tx = this.redis.multi();
    for (const p of positions) tx.hgetall(keys.quarantineRecord(p.id));
    const replies = await tx.exec();
    if (!replies) throw new Error('quarantine read transaction was aborted');
    return positions.map((position, i) => {
      const [err, hash] = replies[i]!;
      if (err) throw err;
      return { position, record: fromHash(hash as Record<string, string>) };
    });
  }
}
