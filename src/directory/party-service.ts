import { canonicalAddress } from '../domain/address.js';
import { ParleyError } from '../domain/errors.js';
import { cleanDisplayName, partyIdRe, type Party, type Role } from '../domain/party.js';
import type { AddressCipher } from '../crypto/address-cipher.js';
import type { PartyStore, StoredParty } from '../storage/ports.js';

export interface PartyInput {
  id: string;
  role: Role;
  name: string;
  emails: string[];
  businessBuyer?: boolean | undefined;
}

/**
 * How long a node relays with its own copy of a party: every message reads both parties, and they change
 * rarely. A change made on this node takes effect at once; one made on another node within this long.
 */
export const PARTY_CACHE_MS = 5_000;
/** Parties held at once; past it the oldest entry goes (a burst from many parties cannot grow memory). */
const PARTY_CACHE_ENTRIES = 10_000;

/** Registers marketplace parties; the only place real addresses are sealed and unsealed. */
export class PartyService {
  private readonly cache = new Map<string, { party: Party; until: number }>();

  constructor(
    private readonly store: PartyStore,
    private readonly cipher: AddressCipher,
    private readonly now: () => number,
    private readonly cacheMs = 0,
  ) {}

  async put(input: PartyInput): Promise<{ party: Party; created: boolean }> {
    if (!partyIdRe.test(input.id)) throw new ParleyError('bad_request', 'party id must be 1-128 of A-Z a-z 0-9 . _ : -', { field: 'id' });
    const name = cleanDisplayName(input.name);
    if (!name) throw new ParleyError('bad_request', 'name must contain printable characters', { field: 'name' });
    if (input.emails.length === 0) throw new ParleyError('bad_request', 'at least one address is required', { field: 'emails' });
    const emails: string[] = [];
    input.emails.forEach((raw, i) => {
      const canonical = canonicalAddress(raw);
      if (!canonical) throw new ParleyError('bad_request', `"${raw}" is not a plain email address`, { field: `emails/${i}` });
      if (!emails.includes(canonical)) emails.push(canonical);
    });
    if (input.role === 'seller' && input.businessBuyer) {
      throw new ParleyError('bad_request', 'businessBuyer applies to buyers only', { field: 'businessBuyer' });
    }

    const existing = await this.store.getParty(input.id);
    // Pairs record who is buyer and who is seller; flipping a role would invert every alias of the party.
    if (existing && existing.role !== input.role) {
      throw new ParleyError('role_conflict', `party ${input.id} is a ${existing.role}`);
    }
    const stored: StoredParty = {
      id: input.id,
      role: input.role,
      name,
      businessBuyer: input.businessBuyer ?? false,
      emailsSealed: this.cipher.seal(JSON.stringify(emails)),
      emailHashes: emails.map((e) => this.cipher.hash(e)),
      updatedAt: this.now(),
    };
    await this.store.putParty(stored);
    this.cache.delete(input.id);
    return { party: this.unseal(stored), created: !existing };
  }

  /** The party as stored now (what the API shows). */
  async get(id: string): Promise<Party | null> {
    const stored = await this.store.getParty(id);
    return stored ? this.unseal(stored) : null;
  }

  /**
   * Fetches a party that must exist and have the given role: what the relay asks for every message, so it may
   * be this node's copy, at most PARTY_CACHE_MS old (roles never change; names and addresses rarely do).
   */
  async require(id: string, role: Role, field: string): Promise<Party> {
    const party = await this.recent(id);
    if (!party) throw new ParleyError('party_not_found', `no party ${id}`, { field });
    if (party.role !== role) throw new ParleyError('bad_request', `party ${id} is a ${party.role}, not a ${role}`, { field });
    return party;
  }

  private async recent(id: string): Promise<Party | null> {
    const cached = this.cache.get(id);
    if (cached && cached.until > this.now()) return cached.party;
    const party = await this.get(id);
    if (party && this.cacheMs > 0) {
      this.cache.delete(id);
      if (this.cache.size >= PARTY_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(id, { party, until: this.now() + this.cacheMs });
    }
    return party;
  }

  /** Whether an address is one of the party's registered ones, compared by keyed hash. */
  async isRegistered(partyId: string, address: string): Promise<boolean> {
    const canonical = canonicalAddress(address);
    if (!canonical) return false;
    const stored = await this.store.getParty(partyId);
    return stored ? stored.emailHashes.includes(this.cipher.hash(canonical)) : false;
  }

  private unseal(stored: StoredParty): Party {
    return {
      id: stored.id,
      role: stored.role,
      name: stored.name,
      businessBuyer: stored.businessBuyer,
      emails: JSON.parse(this.cipher.open(stored.emailsSealed)) as string[],
    };
  }
}
