import type { Config } from '../config/schema.js';
import { ParleyError } from '../domain/errors.js';
import type { Directory } from '../directory/services.js';
import type { Logger } from '../observability/logger.js';
import { authenticateSender, type DnsResolver } from './authenticate-sender.js';
import { authorizeSender } from './authorize-sender.js';
import { autoSubmittedValue, composeMessage, deliveredDate } from './compose-message.js';
import { parseMessage } from './parse-message.js';
import { resolveRecipient, type RecipientTarget } from './resolve-recipient.js';
import type { DailyCap } from '../limits/daily-cap.js';
import { newQueueId } from '../outbound/queued-message.js';
import type { DkimSigner } from './sign-message.js';
import { traceHeaders } from './trace-headers.js';
import type { MessageQueue, Transaction } from './transaction.js';
import type { ThreadTranslator } from './translate-thread.js';

export interface RelayDeps {
  config: Config;
  directory: Directory;
  threads: ThreadTranslator;
  signer: DkimSigner;
  queue: MessageQueue;
  dailyCap: Pick<DailyCap, 'consume' | 'release'>;
  resolver: DnsResolver;
  verp: { encode(queueId: string): string; decode(address: string): { queueId: string } | null };
  loopMarker: string;
  /** Handles a bounce that came back to one of our VERP addresses; resolves once its outcome is durable. */
  acceptBounce(queueId: string, raw: Buffer, log: Logger): Promise<void>;
  logger: Logger;
  now: () => number;
}

/**
 * The relay, in the order a message meets it. RCPT: resolve the alias, keep one pair per transaction,
 * authorize the envelope sender, take a unit of the seller's daily cap. End of DATA: parse once, authorize
 * the header From, authenticate the sender, rewrite through the alias map, sign, and spool durably — only
 * then does the client get 250. A transaction that ends any other way gives its cap unit back.
 */
export class RelayPipeline {
  constructor(private readonly deps: RelayDeps) {}

  async onRecipient(tx: Transaction, address: string): Promise<void> {
    const { directory, verp } = this.deps;
    const target = await resolveRecipient(address, { pairs: directory.pairs, decodeBounce: (a) => verp.decode(a) });
    if (tx.target && !sameTarget(tx.target, target)) throw new ParleyError('other_pair');
    if (target.kind === 'alias' && tx.envelopeFrom !== '') {
      await authorizeSender(tx.envelopeFrom, target.resolution, directory.parties);
    }
    if (target.kind === 'alias' && target.resolution.direction === 'seller_to_buyer' && !tx.capHeldFor) {
      await this.deps.dailyCap.consume(target.resolution.counterpart.id, tx.id);
      tx.capHeldFor = target.resolution.counterpart.id;
    }
    tx.target ??= target;
  }

  async onMessage(tx: Transaction, raw: Buffer): Promise<void> {
    try {
      await this.relay(tx, raw);
      tx.accepted = true;
    } finally {
      await this.onEnd(tx);
    }
  }

  /** The transaction is over (refused, reset, disconnected or accepted): unaccepted mail gives its cap unit back. */
  async onEnd(tx: Transaction): Promise<void> {
    if (tx.accepted || !tx.capHeldFor) return;
    const sellerId = tx.capHeldFor;
    tx.capHeldFor = undefined;
    await this.deps.dailyCap.release(sellerId, tx.id);
  }

  private async relay(tx: Transaction, raw: Buffer): Promise<void> {
    const log = this.deps.logger.child({ msgId: tx.id });
    const target = tx.target;
    if (!target) throw new ParleyError('bad_message', 'no recipient');
    if (target.kind === 'bounce') return this.deps.acceptBounce(target.queueId, raw, log);

    const { directory, config, now } = this.deps;
    const { resolution, alias } = target;
    const parsed = await parseMessage(raw);
    await authorizeSender(parsed.fromAddress, resolution, directory.parties);
    const auth = await authenticateSender(
      { raw, clientIp: tx.clientIp, helo: tx.helo, envelopeFrom: tx.envelopeFrom, fromDomain: parsed.fromDomain },
      { mode: config.senderAuth, resolver: this.deps.resolver, mta: this.hostname },
    );
    if (auth.verdict === 'fail' && config.senderAuth === 'enforce') {
      log.info({ spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc }, 'sender authentication failed');
      const text = `We could not verify that this message comes from its sender: ${auth.reason}`;
      throw new ParleyError('sender_unauthenticated', text, { smtpText: text });
    }

    const [sender, recipient] = await Promise.all([
      directory.parties.require(resolution.counterpart.id, resolution.counterpart.role, 'sender'),
      directory.parties.require(resolution.owner.id, resolution.owner.role, 'recipient'),
    ]);
    const senderAlias = directory.pairs.address(resolution.counterpart.role === 'buyer' ? resolution.pair.buyerAlias : resolution.pair.sellerAlias);
    const relayLocal = newQueueId();
    const thread = await this.deps.threads.translate(resolution.pair.id, sender.role, parsed.mail.inReplyTo, parsed.mail.references);
    const autoSubmitted = autoSubmittedValue(parsed.headers);
    const subject = parsed.mail.subject ?? '';

    const composed = await composeMessage({
      parsed,
      from: { name: sender.name, address: senderAlias },
      to: recipient.emails[0]!,
      messageId: this.deps.threads.relayMessageId(relayLocal),
      boundary: relayLocal,
      thread,
      date: deliveredDate(parsed.mail.date, now()),
      autoSubmitted,
      content: { subject, text: parsed.mail.text, html: parsed.mail.html || undefined },
    });
    const signature = await this.deps.signer.signature(composed);
    const trace = traceHeaders({ hostname: this.hostname, marker: this.deps.loopMarker, queueId: tx.id, tls: tx.tls, date: new Date(now()), auth });
    const message = Buffer.concat([Buffer.from(trace + signature), composed]);

    // The thread entry is written before the spool, so a store failure answers 451 with nothing queued.
    await this.deps.threads.remember(resolution.pair.id, sender.role, relayLocal, parsed.mail.messageId);
    await this.deps.queue.enqueue(message, {
      id: tx.id,
      from: this.deps.verp.encode(tx.id),
      to: recipient.emails[0]!,
      // Auto-replies and null-sender mail never get a DSN: that is how bounce loops start.
      notify: tx.envelopeFrom === '' || autoSubmitted ? null : { to: tx.envelopeFrom, recipientAlias: alias, subject, arrivalDate: now() },
      context: { pairId: resolution.pair.id, direction: resolution.direction, senderId: sender.id },
    });
    log.info({ pairId: resolution.pair.id, direction: resolution.direction, auth: auth.verdict, bytes: message.length }, 'message accepted');
  }

  private get hostname(): string {
    return this.deps.config.hostname ?? this.deps.config.domain;
  }
}

function sameTarget(a: RecipientTarget, b: RecipientTarget): boolean {
  if (a.kind === 'bounce') return b.kind === 'bounce' && a.queueId === b.queueId;
  return b.kind === 'alias' && a.resolution.pair.id === b.resolution.pair.id && a.alias === b.alias;
}
