import type { Config } from '../config/schema.js';
import type { Secrets } from '../config/secrets.js';
import { AddressCipher } from '../crypto/address-cipher.js';
import type { Store } from '../storage/ports.js';
import { OrderService } from './order-service.js';
import { PairService } from './pair-service.js';
import { PARTY_CACHE_MS, PartyService } from './party-service.js';

/** The services the admin API, the CLI and the relay share; built once by the composition root. */
export interface Directory {
  parties: PartyService;
  pairs: PairService;
  orders: OrderService;
  cipher: AddressCipher;
}

export function createDirectory(config: Config, secrets: Secrets, store: Store, now: () => number = Date.now): Directory {
  const cipher = new AddressCipher(secrets.dataKey);
  const parties = new PartyService(store.parties, cipher, now, PARTY_CACHE_MS);
  const pairs = new PairService(store.pairs, secrets.aliasKey, config.domain, now);
  const orders = new OrderService(store.orders, parties, pairs);
  return { parties, pairs, orders, cipher };
}
