import type { AddressCipher } from '../crypto/address-cipher.js';
import type { Role } from '../domain/party.js';
import type { ThreadStore } from '../storage/ports.js';

const ID_RE = /<([^<>\s]{1,250})>/g;
/** Our relay ids are queue-id shaped (see newQueueId). */
const RELAY_LOCAL_RE = /^[a-z2-7]{16,26}$/;

export interface ThreadIds {
  inReplyTo?: string;
  references: string[];
}

/**
 * Keeps threads threaded in both mail clients while neither side sees the other's Message-IDs (which
 * name their hosts). Each relayed message gets a random id on the alias domain; a per-pair map turns
 * ids in In-Reply-To/References into what the recipient knows, and ids that cannot be mapped are dropped.
 * Routing never depends on these headers: replies go where the recipient alias says.
 */
export class ThreadTranslator {
  constructor(
    private readonly store: ThreadStore,
    private readonly cipher: AddressCipher,
    private readonly domain: string,
    private readonly ttlSeconds: number,
  ) {}

  relayMessageId(relayLocal: string): string {
    return `<${relayLocal}@${this.domain}>`;
  }

  async translate(pairId: string, sender: Role, inReplyTo: string | undefined, references: string | string[] | undefined): Promise<ThreadIds> {
    const irt = extractIds(inReplyTo);
    const refs = extractIds(Array.isArray(references) ? references.join(' ') : references);
    const all = [...new Set([...refs, ...irt])];
    if (all.length === 0) return { references: [] };

    const suffix = `@${this.domain}`;
    const relayLocals = all.map((id) => (id.toLowerCase().endsWith(suffix) ? id.slice(0, -suffix.length).toLowerCase() : null));
    const relayQueries = relayLocals.filter((l): l is string => l !== null && RELAY_LOCAL_RE.test(l));
    const foreign = all.filter((_, i) => relayLocals[i] === null);
    const [relayFound, originalFound] = await Promise.all([
      this.store.findByRelayIds(pairId, relayQueries),
      this.store.findByOriginalHashes(pairId, foreign.map((id) => this.cipher.hash(id))),
    ]);

    const mapped = new Map<string, string>();
    relayQueries.forEach((local, i) => {
      const entry = relayFound[i];
      if (!entry) return;
      // The recipient's own message: give back the id their client stored. The sender's: the recipient saw our id.
      if (entry.side !== sender && entry.originalSealed) mapped.set(`${local}${suffix}`, `<${this.cipher.open(entry.originalSealed)}>`);
      else if (entry.side === sender) mapped.set(`${local}${suffix}`, this.relayMessageId(local));
    });
    foreign.forEach((id, i) => {
      const entry = originalFound[i];
      if (entry && entry.side === sender) mapped.set(id, this.relayMessageId(entry.relayId));
    });

    const translate = (ids: string[]) => ids.map((id) => mapped.get(id) ?? mapped.get(id.toLowerCase())).filter((v): v is string => !!v);
    const inReplyToIds = translate(irt);
    return { inReplyTo: inReplyToIds[0], references: [...new Set(translate(refs))] };
  }

  async remember(pairId: string, sender: Role, relayLocal: string, originalId: string | undefined): Promise<void> {
    const original = extractIds(originalId)[0];
    await this.store.remember(
      pairId,
      original
        ? { relayId: relayLocal, side: sender, originalHash: this.cipher.hash(original), originalSealed: this.cipher.seal(original) }
        : { relayId: relayLocal, side: sender },
      this.ttlSeconds,
    );
  }
}

/** Message ids without angle brackets, in order, from a header value (bounded: references can be huge). */
function extractIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids = [...value.matchAll(ID_RE)].map((m) => m[1]!);
  // Clients keep at most a few dozen references; more is noise or an attempt to make us do work.
  return ids.slice(-50);
}
