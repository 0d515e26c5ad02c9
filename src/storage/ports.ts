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

export interface Store {
  readonly kind: 'redis' | 'embedded';
  readonly parties: PartyStore;
  readonly pairs: PairStore;
  readonly orders: OrderStore;
  /** Throws when the backing store cannot serve requests. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
