import type { Role } from './party.js';

/** The two aliases of one buyer–seller pair. Immutable once created: aliases never change. */
export interface Pair {
  id: string;
  buyerId: string;
  sellerId: string;
  /** Local part of the alias that stands for the buyer (the seller writes to it). */
  buyerAlias: string;
  /** Local part of the alias that stands for the seller (the buyer writes to it). */
  sellerAlias: string;
  createdAt: number;
}

export type Direction = 'seller_to_buyer' | 'buyer_to_seller';

/** What an alias address means: whose alias it is, who may write to it, and which way mail flows. */
export interface AliasResolution {
  pair: Pair;
  /** The party the alias stands for (the recipient of mail sent to it). */
  owner: { id: string; role: Role };
  /** The only party allowed to write to this alias. */
  counterpart: { id: string; role: Role };
  direction: Direction;
}

export function resolutionFor(pair: Pair, side: Role): AliasResolution {
  return side === 'buyer'
    ? {
        pair,
        owner: { id: pair.buyerId, role: 'buyer' },
        counterpart: { id: pair.sellerId, role: 'seller' },
        direction: 'seller_to_buyer',
      }
    : {
        pair,
        owner: { id: pair.sellerId, role: 'seller' },
        counterpart: { id: pair.buyerId, role: 'buyer' },
        direction: 'buyer_to_seller',
      };
}
