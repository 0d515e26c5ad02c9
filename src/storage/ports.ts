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
  readonly threads: ThreadStore;
  readonly bounces: BounceRecordStore;
  /** Throws when the backing store cannot serve requests. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
