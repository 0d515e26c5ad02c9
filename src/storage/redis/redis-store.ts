import type { Pair } from '../../domain/pair.js';
import type { Role } from '../../domain/party.js';
import { ParleyError } from '../../domain/errors.js';
import { guard } from '../guard.js';
import type { Order, OrderStore, PairStore, PartyStore, Store, StoredParty } from '../ports.js';
import type { RedisClient } from './client.js';
import { keys } from './keys.js';
import { RedisDuplicateCounter } from './redis-duplicate-counter.js';
import { RedisAuditLog } from './redis-audit-log.js';
import { RedisCapStore } from './redis-cap-store.js';
import { RedisQuarantineStore } from './redis-quarantine-store.js';
import { RedisRateCounter } from './redis-rate-counter.js';
import { RedisBounceRecordStore, RedisThreadStore } from './redis-thread-store.js';

export class RedisPartyStore implements PartyStore {
  constructor(private readonly redis: RedisClient) {}

  putParty(party: StoredParty): Promise<void> {
    return guard('putParty', async () => {
      await this.redis.set(keys.party(party.id), JSON.stringify(party));
    });
  }

  getParty(id: string): Promise<StoredParty | null> {
    return guard('getParty', async () => {
      const raw = await this.redis.get(keys.party(id));
      return raw ? (JSON.parse(raw) as StoredParty) : null;
    });
  }
}

export class RedisPairStore implements PairStore {
  constructor(private readonly redis: RedisClient) {}

  /**
   * Not one transaction: the pair key and the alias keys live in different cluster slots. It converges
   * instead: SET NX decides the winner, and the alias index is (re)written from the winner's record on
   * every call, so a crash between the two writes is repaired by the next order for the pair.
   */
  createPair(pair: Pair): Promise<Pair> {
    return guard('createPair', async () => {
      const created = await this.redis.set(keys.pair(pair.id), JSON.stringify(pair), 'NX');
      const stored = created ? pair : await this.getPair(pair.id);
      if (!stored) throw new Error(`pair ${pair.id} vanished during creation`);
      await Promise.all([this.indexAlias(stored, 'buyer'), this.indexAlias(stored, 'seller')]);
      return stored;
    });
  }

  private async indexAlias(pair: Pair, side: Role): Promise<void> {
    const local = side === 'buyer' ? pair.buyerAlias : pair.sellerAlias;
    // Pairs are immutable, so the alias entry carries the whole pair: one round trip per lookup.
    const value = JSON.stringify({ side, pair });
    const ok = await this.redis.set(keys.alias(local), value, 'NX');
    if (!ok) {
      const existing = await this.redis.get(keys.alias(local));
      if (existing && (JSON.parse(existing) as { pair: Pair }).pair.id !== pair.id) {
        // 130-bit aliases do not collide by chance; this means corrupted data, and it must not be papered over.
        throw new ParleyError('internal', `alias collision between pairs ${pair.id} and another pair`);
      }
    }
  }

  getPair(pairId: string): Promise<Pair | null> {
    return guard('getPair', async () => {
      const raw = await this.redis.get(keys.pair(pairId));
      return raw ? (JSON.parse(raw) as Pair) : null;
    });
  }

  findAlias(local: string): Promise<{ pair: Pair; side: Role } | null> {
    return guard('findAlias', async () => {
      const raw = await this.redis.get(keys.alias(local));
      return raw ? (JSON.parse(raw) as { pair: Pair; side: Role }) : null;
    });
  }
}

export class RedisOrderStore implements OrderStore {
  constructor(private readonly redis: RedisClient) {}

  /** SET NX on the order id decides idempotency; the seller index is re-added on every call (ZADD is idempotent). */
  recordOrder(order: Order): Promise<{ order: Order; created: boolean }> {
    return guard('recordOrder', async () => {
      const created = (await this.redis.set(keys.order(order.orderId), JSON.stringify(order), 'NX')) === 'OK';
      const stored = created ? order : (JSON.parse((await this.redis.get(keys.order(order.orderId))) ?? 'null') as Order | null);
      if (!stored) throw new Error(`order ${order.orderId} vanished during creation`);
      await this.redis.zadd(keys.sellerOrders(stored.sellerId), stored.placedAt, stored.orderId);
      return { order: stored, created };
    });
  }

  countSellerOrders(sellerId: string, sinceMs: number, untilMs: number): Promise<number> {
    return guard('countSellerOrders', () => this.redis.zcount(keys.sellerOrders(sellerId), sinceMs, `(${untilMs}`));
  }

  firstSellerOrderAt(sellerId: string): Promise<number | null> {
    return guard('firstSellerOrderAt', async () => {
      const [, score] = await this.redis.zrange(keys.sellerOrders(sellerId), 0, '0', 'WITHSCORES');
      return score === undefined ? null : Number(score);
    });
  }
}

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly parties: RedisPartyStore;
  readonly pairs: RedisPairStore;
  readonly orders: RedisOrderStore;
  readonly caps: RedisCapStore;
  readonly rates: RedisRateCounter;
  readonly duplicates: RedisDuplicateCounter;
  readonly threads: RedisThreadStore;
  readonly bounces: RedisBounceRecordStore;
  readonly quarantine: RedisQuarantineStore;
  readonly audit: RedisAuditLog;

  constructor(readonly redis: RedisClient) {
    this.parties = new RedisPartyStore(redis);
    this.pairs = new RedisPairStore(redis);
    this.orders = new RedisOrderStore(redis);
    this.caps = new RedisCapStore(redis);
    this.rates = new RedisRateCounter(redis);
    this.duplicates = new RedisDuplicateCounter(redis);
    this.threads = new RedisThreadStore(redis);
    this.bounces = new RedisBounceRecordStore(redis);
    this.quarantine = new RedisQuarantineStore(redis);
    this.audit = new RedisAuditLog(redis);
  }

  ping(): Promise<void> {
    return guard('ping', async () => {
      await this.redis.ping();
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
