import { splitAddress } from '../domain/address.js';
import { aliasLocalRe, deriveAliases, pairIdFor } from '../domain/alias.js';
import { resolutionFor, type AliasResolution, type Pair } from '../domain/pair.js';
import type { PairStore } from '../storage/ports.js';

/** Creates pairs with their two aliases and resolves alias addresses back to pairs. */
/** Aliases remembered per node; past it the oldest goes. An alias is about 200 bytes of memory. */
const RESOLVED_ENTRIES = 50_000;

export class PairService {
  private readonly resolved = new Map<string, AliasResolution>();

  constructor(
    private readonly store: PairStore,
    private readonly aliasKey: Buffer,
    readonly domain: string,
    private readonly now: () => number,
  ) {}

  /** Idempotent and race-free: concurrent calls for one pair all return the same stored aliases. */
  async ensure(buyerId: string, sellerId: string): Promise<Pair> {
    const id = pairIdFor(buyerId, sellerId);
    const existing = await this.store.getPair(id);
    if (existing) return existing;
    return this.store.createPair({ id, buyerId, sellerId, ...deriveAliases(this.aliasKey, id), createdAt: this.now() });
  }

  find(buyerId: string, sellerId: string): Promise<Pair | null> {
    return this.store.getPair(pairIdFor(buyerId, sellerId));
  }

  byId(pairId: string): Promise<Pair | null> {
    return this.store.getPair(pairId);
  }

  address(local: string): string {
    return `${local}@${this.domain}`;
  }

  /**
   * Resolves an address on the alias domain. Case-insensitive and tolerant of a +tag; anything else
   * (other domains, malformed or unknown aliases) is simply "nothing", which gives enumeration no help.
   */
  async resolve(address: string): Promise<AliasResolution | null> {
    const local = this.aliasLocal(address);
    if (!local) return null;
    // Pairs are never changed or removed once made, so a found alias can be remembered for good (bounded).
    const known = this.resolved.get(local);
    if (known) return known;
    const found = await this.store.findAlias(local);
    if (!found) return null;
    const resolution = resolutionFor(found.pair, found.side);
    if (this.resolved.size >= RESOLVED_ENTRIES) this.resolved.delete(this.resolved.keys().next().value!);
    this.resolved.set(local, resolution);
    return resolution;
  }

  /** The alias local part an address would name, or null if it cannot be one of ours. */
  aliasLocal(address: string): string | null {
    const parts = splitAddress(address);
    if (!parts || parts.domain !== this.domain) return null;
    const local = parts.local.toLowerCase().split('+')[0]!;
    return aliasLocalRe.test(local) ? local : null;
  }
}
