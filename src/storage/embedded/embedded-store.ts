import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Pair } from '../../domain/pair.js';
import type { Role } from '../../domain/party.js';
import { ParleyError } from '../../domain/errors.js';
import { guard } from '../guard.js';
import type { AuditLog, BounceRecordStore, CapStore, Order, OrderStore, PairStore, PartyStore, QuarantineStore, RateCounter, Store, StoredParty, ThreadStore } from '../ports.js';
import { EmbeddedAuditLog } from './embedded-audit-log.js';
import { EmbeddedCapStore } from './embedded-cap-store.js';
import { EmbeddedQuarantineStore } from './embedded-quarantine-store.js';
import { EmbeddedRateCounter } from './embedded-rate-counter.js';
import { EmbeddedDuplicateCounter } from './embedded-duplicate-counter.js';
import { EmbeddedBounceRecordStore, EmbeddedThreadStore } from './embedded-thread-store.js';

/**
 * The single-node store: LMDB on disk. Each operation that Redis does with SET NX or a Lua script runs
 * here in one LMDB write transaction, which is serialised across processes too, so the semantics match.
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly parties: PartyStore;
  readonly pairs: PairStore;
  readonly orders: OrderStore;
  readonly caps: CapStore;
  readonly rates: RateCounter;
  readonly duplicates: EmbeddedDuplicateCounter;
  readonly threads: ThreadStore;
  readonly bounces: BounceRecordStore;
  readonly quarantine: QuarantineStore;
  readonly audit: AuditLog;

  private constructor(readonly root: RootDatabase) {
    const db = <V>(name: string) => root.openDB<V, string>({ name, encoding: 'json' });
    this.parties = new EmbeddedPartyStore(db<StoredParty>('parties'));
    this.pairs = new EmbeddedPairStore(root, db<Pair>('pairs'), db<{ pairId: string; side: Role }>('aliases'));
    this.orders = new EmbeddedOrderStore(root, db<Order>('orders'), root.openDB<number, [string, number, string]>({ name: 'seller-orders' }));
    this.caps = new EmbeddedCapStore(root);
    this.rates = new EmbeddedRateCounter(root);
    this.duplicates = new EmbeddedDuplicateCounter(root);
    this.threads = new EmbeddedThreadStore(root);
    this.bounces = new EmbeddedBounceRecordStore(root);
    this.quarantine = new EmbeddedQuarantineStore(root);
    this.audit = new EmbeddedAuditLog(root);
  }

  static open(dataDir: string): EmbeddedStore {
    const path = join(dataDir, 'store');
    mkdirSync(path, { recursive: true });
    // maxDbs covers the named databases this and later ports open; LMDB fixes it at open time.
    return new EmbeddedStore(open({ path, maxDbs: 32, compression: false }));
  }

  ping(): Promise<void> {
    return guard('ping', async () => {
      this.root.get('__ping__');
    });
  }

  async close(): Promise<void> {
    await this.root.close();
  }
}

class EmbeddedPartyStore implements PartyStore {
  constructor(private readonly db: Database<StoredParty, string>) {}

  putParty(party: StoredParty): Promise<void> {
    return guard('putParty', async () => {
      await this.db.put(party.id, party);
    });
  }

  getParty(id: string): Promise<StoredParty | null> {
    return guard('getParty', async () => this.db.get(id) ?? null);
  }
}

class EmbeddedPairStore implements PairStore {
  constructor(
    private readonly root: RootDatabase,
    private readonly pairs: Database<Pair, string>,
    private readonly aliases: Database<{ pairId: string; side: Role }, string>,
  ) {}

  createPair(pair: Pair): Promise<Pair> {
    return guard('createPair', () =>
      this.root.transaction(() => {
        const existing = this.pairs.get(pair.id);
        if (existing) return existing;
        for (const [local, side] of [
          [pair.buyerAlias, 'buyer'],
          [pair.sellerAlias, 'seller'],
        ] as const) {
          if (this.aliases.get(local)) throw new ParleyError('internal', `alias collision for pair ${pair.id}`);
          void this.aliases.put(local, { pairId: pair.id, side });
        }
        void this.pairs.put(pair.id, pair);
        return pair;
      }),
    );
  }

  getPair(pairId: string): Promise<Pair | null> {
    return guard('getPair', async () => this.pairs.get(pairId) ?? null);
  }

  findAlias(local: string): Promise<{ pair: Pair; side: Role } | null> {
    return guard('findAlias', async () => {
      const entry = this.aliases.get(local);
      const pair = entry ? this.pairs.get(entry.pairId) : undefined;
      return entry && pair ? { pair, side: entry.side } : null;
    });
  }
}

class EmbeddedOrderStore implements OrderStore {
  constructor(
    private readonly root: RootDatabase,
    private readonly orders: Database<Order, string>,
    private readonly bySeller: Database<number, [string, number, string]>,
  ) {}

  recordOrder(order: Order): Promise<{ order: Order; created: boolean }> {
    return guard('recordOrder', () =>
      this.root.transaction(() => {
        const existing = this.orders.get(order.orderId);
        if (existing) return { order: existing, created: false };
        void this.orders.put(order.orderId, order);
        void this.bySeller.put([order.sellerId, order.placedAt, order.orderId], 1);
        return { order, created: true };
      }),
    );
  }

  /** Keys are [sellerId, placedAt, orderId]: [s, since] sorts before every order at since, [s, until] before every order at until. */
  countSellerOrders(sellerId: string, sinceMs: number, untilMs: number): Promise<number> {
    return guard('countSellerOrders', async () => this.bySeller.getKeysCount({ start: [sellerId, sinceMs], end: [sellerId, untilMs] }));
  }

  firstSellerOrderAt(sellerId: string): Promise<number | null> {
    return guard('firstSellerOrderAt', async () => {
      for (const [, placedAt] of this.bySeller.getKeys({ start: [sellerId, -Infinity], end: [sellerId, Infinity], limit: 1 })) return placedAt;
      return null;
    });
  }
}
