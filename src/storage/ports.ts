import type { Pair } from '../domain/pair.js';
import type { Role } from '../domain/party.js';

/**
 * Narrow storage ports, one concern each, declaring only what the relay calls. Every adapter
 * (Redis, embedded) passes the same contract suite in test/storage.
 */

/** A party as stored: addresses sealed, plus keyed hashes for matching senders without decrypting. */
export interface StoredParty {
  id: string;
  role: Role;
  name: string;
  businessBuyer: boolean;
  emailsSealed: string;
  emailHashes: string[];
  updatedAt: number;
}

export interface PartyStore {
  putParty(party: StoredParty): Promise<void>;
  getParty(id: string): Promise<StoredParty | null>;
}

export interface PairStore {
  /** Stores the pair and its alias index unless it exists; returns what is stored (first writer wins). */
  createPair(pair: Pair): Promise<Pair>;
  getPair(pairId: string): Promise<Pair | null>;
  /** The pair an alias local part belongs to, and which side it stands for. */
  findAlias(local: string): Promise<{ pair: Pair; side: Role } | null>;
}

export interface Order {
  orderId: string;
  buyerId: string;
  sellerId: string;
  placedAt: number;
  marketplace?: string | undefined;
  digital?: boolean | undefined;
}

export interface OrderStore {
  /** Idempotent on orderId: returns the stored order and whether this call created it. */
  recordOrder(order: Order): Promise<{ order: Order; created: boolean }>;
  /** Orders of the seller with sinceMs <= placedAt < untilMs (half-open, so adjacent windows never count an order twice). */
  countSellerOrders(sellerId: string, sinceMs: number, untilMs: number): Promise<number>;
  /** placedAt of the seller's earliest order, or null when the seller has none. */
  firstSellerOrderAt(sellerId: string): Promise<number | null>;
}

/**
 * A seller's cap for one day, fixed the first time that day needs it and then stored, so the limit a
 * seller was held to can be shown afterwards even if orders are back-filled later.
 */
export interface DailyCapRecord {
  /** Calendar day (YYYY-MM-DD) in the configured cap time zone. */
  day: string;
  cap: number;
  averageDailyOrders: number;
  windowDays: number;
  computedAt: number;
}

export interface CapConsumeResult {
  /**
   * consumed: this call took a unit. held: the message already held one; nothing more was taken, so a
   * retried call is safe. full: no unit left. no_cap: the day has no stored cap yet; store one, call again.
   */
  outcome: 'consumed' | 'held' | 'full' | 'no_cap';
  /** Units held for the day after this call. */
  used: number;
  cap: number;
}

/** Per seller-day units of the daily cap. Each operation is atomic across every node sharing the store. */
export interface CapStore {
  /** Stores the record for (sellerId, record.day) unless one exists; returns what is stored (first writer wins). */
  getOrSetCap(sellerId: string, record: DailyCapRecord, ttlSeconds: number): Promise<{ record: DailyCapRecord; created: boolean }>;
  /** Takes one unit for messageId if fewer than the stored cap are held; the day's data lives ttlSeconds from its first unit. */
  consume(sellerId: string, day: string, messageId: string, ttlSeconds: number): Promise<CapConsumeResult>;
  /** Gives back the unit messageId holds; releasing twice, or an id that holds nothing, gives back nothing. */
  release(sellerId: string, day: string, messageId: string): Promise<{ released: boolean; used: number }>;
  usage(sellerId: string, day: string): Promise<{ record: DailyCapRecord | null; used: number }>;
}

/** One relayed message of a pair, so replies can be threaded without showing either side's ids. */
export interface ThreadEntry {
  /** Local part of the Message-ID we gave the message on the alias domain. */
  relayId: string;
  /** Who sent it. */
  side: Role;
  /** Keyed hash of the sender's original Message-ID, and the id itself sealed (it names their host). */
  originalHash?: string;
  originalSealed?: string;
}

export interface ThreadStore {
  remember(pairId: string, entry: ThreadEntry, ttlSeconds: number): Promise<void>;
  findByRelayIds(pairId: string, relayIds: string[]): Promise<(ThreadEntry | null)[]>;
  findByOriginalHashes(pairId: string, hashes: string[]): Promise<(ThreadEntry | null)[]>;
}

/** What a later bounce to a VERP address needs to tell the original sender; kept after delivery. */
export interface BounceRecord {
  /** NotifyInfo of the delivery, sealed: it holds the sender's real address. */
  notifySealed: string;
}

export interface BounceRecordStore {
  putBounceRecord(queueId: string, record: BounceRecord, ttlSeconds: number): Promise<void>;
  getBounceRecord(queueId: string): Promise<BounceRecord | null>;
}

export interface Store {
  readonly kind: 'redis' | 'embedded';
  readonly parties: PartyStore;
  readonly pairs: PairStore;
  readonly orders: OrderStore;
  readonly caps: CapStore;
  readonly threads: ThreadStore;
  readonly bounces: BounceRecordStore;
  /** Throws when the backing store cannot serve requests. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
