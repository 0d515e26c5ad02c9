import type { DuplicateCounter } from '../policy/duplicate-counter.js';
import type { Pair } from '../domain/pair.js';
import type { Role } from '../domain/party.js';
import type { AuditPage, AuditRecord } from '../quarantine/audit-entry.js';
import type { QuarantineDecision, QuarantineFilter, QuarantinePage, QuarantineRecord, QuarantineStatus } from '../quarantine/quarantine-record.js';

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
   * consumed: this call took a unit. held: the message already held one (a live lease or a committed unit);
   * nothing more was taken, so a retried call is safe. full: no unit left. no_cap: the day has no stored cap
   * yet; store one, call again.
   */
  outcome: 'consumed' | 'held' | 'full' | 'no_cap';
  /** Units counted for the day after this call: committed ones plus leases alive at `now`. */
  used: number;
  cap: number;
}

/**
 * A pending unit: it counts until `until` and then frees itself unless committed first, so a node that
 * crashes between taking a unit (RCPT) and accepting the message (250) cannot keep it for the rest of the day.
 * Instants are milliseconds since the epoch on the caller's clock, the same clock that chose the day: every
 * node judges every lease of the day by its own `now`, so node clocks must agree to well within the margin
 * the lease has beyond the longest SMTP session (see DailyCap.leaseSecondsFor).
 */
export interface CapLease {
  /** The caller's current instant; leases with until <= now no longer count and are dropped. */
  now: number;
  /** The instant this unit stops counting unless committed. */
  until: number;
}

export interface CapCommitResult {
  /**
   * committed: the message held a live lease (now permanent) or was committed already.
   * late: its lease had expired, or was already dropped and ifMissing was 'record'; it is committed all the
   * same, even past the cap, because the message was sent: a count one too high beats a sent message uncounted.
   * missing: the message holds nothing that day (never took a unit, was released, or its lease was dropped); nothing changed.
   * no_cap: the day has no stored cap (never fixed, or expired); nothing changed.
   */
  outcome: 'committed' | 'late' | 'missing' | 'no_cap';
  /** Units counted for the day after this call. */
  used: number;
}

/**
 * Per seller-day units of the daily cap. Each operation is atomic across every node sharing the store.
 * A unit is either a lease (pending, counted until it expires) or committed (counted until the day's data
 * expires). `now` arguments default to the adapter's clock; the day's own lifetime (ttlSeconds) is always
 * kept by the store's clock (Redis key expiry, or the embedded store's clock).
 */
export interface CapStore {
  /** Stores the record for (sellerId, record.day) unless one exists; returns what is stored (first writer wins). */
  getOrSetCap(sellerId: string, record: DailyCapRecord, ttlSeconds: number): Promise<{ record: DailyCapRecord; created: boolean }>;
  /**
   * Takes one unit for messageId if fewer than the stored cap are counted; the day's units live ttlSeconds
   * from the call that first stores one. With a lease the unit is pending until lease.until (a held lease is
   * extended to a later until, never shortened, and a committed unit stays committed); without one it is
   * committed at once. Expired leases of the day are dropped first.
   */
  consume(sellerId: string, day: string, messageId: string, ttlSeconds: number, lease?: CapLease): Promise<CapConsumeResult>;
  /**
   * Makes messageId's unit permanent. Idempotent. A lease that expired but is still stored is committed
   * ('late'); one already dropped is recorded anew only with ifMissing 'record' (default 'skip'), which lets
   * the caller look for the lease on another day first.
   */
  commit(sellerId: string, day: string, messageId: string, options?: { now?: number; ifMissing?: 'skip' | 'record' }): Promise<CapCommitResult>;
  /**
   * Gives back the unit messageId holds, pending or committed; releasing twice, an id that holds nothing, or
   * one whose lease has expired, gives back nothing.
   */
  release(sellerId: string, day: string, messageId: string, now?: number): Promise<{ released: boolean; used: number }>;
  /** The day's record and its units counted at `now` (committed plus live leases). */
  usage(sellerId: string, day: string, now?: number): Promise<{ record: DailyCapRecord | null; used: number }>;
}

export interface RateHit {
  /** count <= limit: the hit is within the window's allowance. */
  allowed: boolean;
  /** Hits in the current window, this one included; refused hits count too. */
  count: number;
  /** Seconds until the current window ends (at least 1): the retry hint for a refused hit. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window rate counters shared by every node (abuse limits at the SMTP edge, the per-party message rate).
 * A window starts at a key's first hit and lasts windowSeconds; a key is always used with the same window.
 * Each hit is counted and judged atomically, so racing nodes never let more than `limit` through in a window.
 */
export interface RateCounter {
  hit(key: string, windowSeconds: number, limit: number): Promise<RateHit>;
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

/** A quarantined message's two sealed blobs (AES-256-GCM, see QuarantineSealer): the store never sees them open. */
export interface QuarantineBlobs {
  content: Buffer;
  raw: Buffer;
}

export type QuarantineDecideResult =
  | { outcome: 'decided'; record: QuarantineRecord }
  /** The record was not in the expected status: someone decided first. It is returned as it stands. */
  | { outcome: 'conflict'; record: QuarantineRecord }
  | { outcome: 'missing' };

/** Quarantined messages: clear metadata for listing, sealed blobs for reading. Each operation is atomic. */
export interface QuarantineStore {
  /**
   * Stores the record and its blobs unless the id exists (first writer wins, so a retried hold is harmless).
   * keepUntil: the blobs may be dropped by the store itself after this instant even if the record write never
   * landed, so a crash between the two never keeps content beyond retention.
   */
  put(record: QuarantineRecord, blobs: QuarantineBlobs, keepUntil: number): Promise<{ created: boolean }>;
  get(id: string): Promise<QuarantineRecord | null>;
  getContent(id: string): Promise<Buffer | null>;
  getRaw(id: string): Promise<Buffer | null>;
  /**
   * Newest first (createdAt, then id, descending). The cursor is a position, not an offset, so records
   * inserted while a caller pages never shift or repeat its pages. A page may hold fewer than `limit` items
   * with a cursor when a sparse filter stopped the scan early; an empty page with a null cursor is the end.
   */
  list(filter: QuarantineFilter, page: { cursor?: string | undefined; limit: number }): Promise<QuarantinePage>;
  /** Compare-and-set: moves the record from `from` to decision.status and records the decision, atomically. */
  decide(id: string, from: QuarantineStatus, decision: QuarantineDecision): Promise<QuarantineDecideResult>;
  /** Deletes up to `limit` of the oldest records with createdAt < before, blobs included; returns how many went. */
  purge(before: number, limit: number): Promise<number>;
}

/** Append-only: there is deliberately no way to change or remove an entry. */
export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** Newest first; with quarantineId, only that message's entries. */
  list(page: { cursor?: string | undefined; limit: number; quarantineId?: string | undefined }): Promise<AuditPage>;
}

export interface Store {
  readonly kind: 'redis' | 'embedded';
  readonly parties: PartyStore;
  readonly pairs: PairStore;
  readonly orders: OrderStore;
  readonly caps: CapStore;
  readonly rates: RateCounter;
  /** Near-duplicate bodies per seller and day (the content policy's bulk-mail signal). */
  readonly duplicates: DuplicateCounter;
  readonly threads: ThreadStore;
  readonly bounces: BounceRecordStore;
  readonly quarantine: QuarantineStore;
  readonly audit: AuditLog;
  /** Throws when the backing store cannot serve requests. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
