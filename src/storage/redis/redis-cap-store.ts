import { guard } from '../guard.js';
import type { CapCommitResult, CapConsumeResult, CapLease, CapStore, DailyCapRecord } from '../ports.js';
import type { RedisClient } from './client.js';
import { redisScript, type ScriptCall } from './redis-script.js';
import { keys } from './keys.js';

const CONSUME_OUTCOMES: Record<number, CapConsumeResult['outcome']> = { 1: 'consumed', 2: 'held', 0: 'full', [-1]: 'no_cap' };
const COMMIT_OUTCOMES: Record<number, CapCommitResult['outcome']> = { 1: 'committed', 2: 'late', 0: 'missing', [-1]: 'no_cap' };
/** The score of a committed unit: it never expires as a lease, only with the day's key. */
const COMMITTED = '+inf';

function recordFields(record: DailyCapRecord): string[] {
  return [
    'day',
    record.day,
    'cap',
    String(record.cap),
    'averageDailyOrders',
    String(record.averageDailyOrders),
    'windowDays',
    String(record.windowDays),
    'computedAt',
    String(record.computedAt),
  ];
}

function recordFrom(hash: Record<string, string>): DailyCapRecord | null {
  if (hash.cap === undefined || hash.day === undefined) return null;
  return {
    day: hash.day,
    cap: Number(hash.cap),
    averageDailyOrders: Number(hash.averageDailyOrders),
    windowDays: Number(hash.windowDays),
    computedAt: Number(hash.computedAt),
  };
}

function hashFromFlat(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

/**
 * Both keys of a seller-day carry the seller's hash tag, so every script touches one Cluster slot.
 * Leases are judged by the caller's `now` (default: this node's clock), never by the server's TIME:
 * see CapLease in ../ports.ts.
 */
export class RedisCapStore implements CapStore {
  private readonly getOrSetScript: ScriptCall;
  private readonly consumeScript: ScriptCall;
  private readonly commitScript: ScriptCall;
  private readonly releaseScript: ScriptCall;

  constructor(
    private readonly redis: RedisClient,
    private readonly now: () => number = Date.now,
  ) {
    this.getOrSetScript = redisScript(redis, 'cap-get-or-set.lua', 1);
    this.consumeScript = redisScript(redis, 'cap-consume.lua', 2);
    this.commitScript = redisScript(redis, 'cap-commit.lua', 2);
    this.releaseScript = redisScript(redis, 'cap-release.lua', 1);
  }

  getOrSetCap(sellerId: string, record: DailyCapRecord, ttlSeconds: number): Promise<{ record: DailyCapRecord; created: boolean }> {
    return guard('getOrSetCap', async () => {
      const key = keys.capRecord(sellerId, record.day);
      const [created, flat] = (await this.getOrSetScript(key, ttlSeconds * 1000, ...recordFields(record))) as [number, string[]];
      const stored = recordFrom(hashFromFlat(flat));
      if (!stored) throw new Error(`cap record ${record.day} of seller ${sellerId} is malformed`);
      return { record: stored, created: created === 1 };
    });
  }

  consume(sellerId: string, day: string, messageId: string, ttlSeconds: number, lease?: CapLease): Promise<CapConsumeResult> {
    return guard('consumeCap', async () => {
      const [status, used, cap] = (await this.consumeScript(
        keys.capRecord(sellerId, day),
        keys.capHolders(sellerId, day),
        messageId,
        ttlSeconds * 1000,
        lease?.now ?? this.now(),
        lease?.until ?? COMMITTED,
      )) as [number, number, number];
      const outcome = CONSUME_OUTCOMES[status];
      if (!outcome) throw new Error(`cap-consume.lua answered unknown status ${status}`);
      return { outcome, used, cap };
    });
  }

  commit(sellerId: string, day: string, messageId: string, options: { now?: number; ifMissing?: 'skip' | 'record' } = {}): Promise<CapCommitResult> {
    return guard('commitCap', async () => {
      const [status, used] = (await this.commitScript(
        keys.capRecord(sellerId, day),
        keys.capHolders(sellerId, day),
        messageId,
        options.now ?? this.now(),
        options.ifMissing === 'record' ? 1 : 0,
      )) as [number, number];
      const outcome = COMMIT_OUTCOMES[status];
      if (!outcome) throw new Error(`cap-commit.lua answered unknown status ${status}`);
      return { outcome, used };
    });
  }

  release(sellerId: string, day: string, messageId: string, now = this.now()): Promise<{ released: boolean; used: number }> {
    return guard('releaseCap', async () => {
      const [released, used] = (await this.releaseScript(keys.capHolders(sellerId, day), messageId, now)) as [number, number];
      return { released: released === 1, used };
    });
  }

  /**
   * One MULTI, so the record and the count are read at the same instant (same slot, so Cluster allows it).
   * Read-only: expired leases are skipped here and dropped by the next write.
   */
  usage(sellerId: string, day: string, now = this.now()): Promise<{ record: DailyCapRecord | null; used: number }> {
    return guard('capUsage', async () => {
      const replies = await this.redis
        .multi()
        .hgetall(keys.capRecord(sellerId, day))
        .zcount(keys.capHolders(sellerId, day), `(${now}`, COMMITTED)
        .exec();
      if (!replies) throw new Error('cap usage transaction was aborted');
      const [[hashErr, hash], [countErr, used]] = replies as [[Error | null, Record<string, string>], [Error | null, number]];
      if (hashErr ?? countErr) throw hashErr ?? countErr;
      return { record: recordFrom(hash), used };
    });
  }
}
