import type { Config } from '../config/schema.js';
import { ParleyError } from '../domain/errors.js';
import { resolutionFor, type AliasResolution, type Direction } from '../domain/pair.js';
import type { Directory } from '../directory/services.js';
import type { DailyCap } from '../limits/daily-cap.js';
import type { LargeMessageGate } from '../limits/large-message-gate.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { newQueueId } from '../outbound/queued-message.js';
import type { SenderNotices } from '../outbound/sender-notices.js';
import type { PolicyEngine } from '../policy/scan.js';
import { DEFAULT_REPLACEMENT, type Verdict } from '../policy/types.js';
import type { QuarantinedMessage, QuarantineInput } from '../quarantine/quarantine-record.js';
import { authenticateSender, type DnsResolver, type SenderAuthResult } from './authenticate-sender.js';
import { authorizeSender } from './authorize-sender.js';
import type { Conversation, Forwarder } from './forward-message.js';
import { parseMessage, type ParsedMessage } from './parse-message.js';
import { quarantineInput } from './quarantine-message.js';
import { resolveRecipient, type RecipientTarget } from './resolve-recipient.js';
import { scanContent } from './scan-content.js';
import type { Transaction } from './transaction.js';

export interface RelayDeps {
  config: Config;
  directory: Directory;
  forwarder: Forwarder;
  policy: Pick<PolicyEngine, 'scan' | 'applyMasks'>;
  /** Rule id → the sentence senders and reviewers read. */
  describeRule(ruleId: string): string | undefined;
  quarantine: { hold(input: QuarantineInput): Promise<unknown> };
  notices: Pick<SenderNotices, 'held' | 'rejected'>;
  dailyCap: Pick<DailyCap, 'consume' | 'commit' | 'release'>;
  /** Messages per sending party and window, counted in the shared store. */
  partyRate: { check(partyId: string): Promise<void> };
  resolver: DnsResolver;
  decodeBounce(address: string): { queueId: string } | null;
  /** Handles a bounce that came back to one of our VERP addresses; resolves once its outcome is durable. */
  acceptBounce(queueId: string, raw: Buffer, log: Logger): Promise<void>;
  metrics?: Pick<Metrics, 'messages' | 'policyFindings' | 'capUtilisation'>;
  /** Frees a large message's temporary buffers between stages (see LargeMessageGate). */
  memory?: Pick<LargeMessageGate, 'checkpoint'>;
  logger: Logger;
  now: () => number;
}

const RELEASED: SenderAuthResult = { verdict: 'none', spf: 'none', dkim: 'none', dmarc: 'none', reason: 'released by a reviewer' };

/**
 * The relay, in the order a message meets it. RCPT: resolve the alias, keep one pair per transaction,
 * authorize the envelope sender, count the sender's message rate, take a unit of the seller's daily cap. End of DATA: parse once, authorize
 * the header From, authenticate the sender, scan the content, then refuse, hold for review, or rewrite, sign
 * and spool durably — only then does the client get 250. A transaction that ends any other way gives its
 * cap unit back; a held message keeps it (it was accepted).
 */
export class RelayPipeline {
  constructor(private readonly deps: RelayDeps) {}

  async onRecipient(tx: Transaction, address: string): Promise<void> {
    const target = await resolveRecipient(address, { pairs: this.deps.directory.pairs, decodeBounce: (a) => this.deps.decodeBounce(a) });
    if (tx.target && !sameTarget(tx.target, target)) throw new ParleyError('other_pair');
    if (target.kind === 'alias' && !tx.target) {
      const conversation = await this.conversation(target.resolution);
      if (tx.envelopeFrom !== '') authorizeSender(tx.envelopeFrom, conversation);
      await this.admit(tx, conversation);
      tx.conversation = conversation;
    }
    tx.target ??= target;
  }

  /**
   * The sender's message rate and, for a seller, a unit of the daily cap, asked for together (one round trip
   * to the store, not two). The rate decides first: a message refused for its rate holds no cap unit, so one
   * taken alongside is given back before the refusal is answered.
   */
  private async admit(tx: Transaction, c: Conversation): Promise<void> {
    const sellerId = c.direction === 'seller_to_buyer' ? c.sender.id : undefined;
    const [rate, unit] = await Promise.allSettled([
      this.deps.partyRate.check(c.sender.id),
      sellerId ? this.deps.dailyCap.consume(sellerId, tx.id) : Promise.resolve(undefined),
    ]);
    if (rate.status === 'rejected') {
      if (sellerId && unit.status === 'fulfilled') {
        // Should the store fail here too, the unit is a lease: it lapses on its own, and the reply stays the rate's.
        await this.deps.dailyCap.release(sellerId, tx.id).catch((err: unknown) =>
          this.deps.logger.warn({ msgId: tx.id, err: (err as Error).message }, 'daily cap unit not given back; it lapses with its lease'),
        );
      }
      throw rate.reason;
    }
    if (unit.status === 'rejected') throw unit.reason;
    if (sellerId && unit.value) {
      tx.capHeldFor = sellerId;
      this.deps.metrics?.capUtilisation.observe(unit.value.used / unit.value.cap);
    }
  }

  /** The end of DATA: tx.message holds the bytes; they are released as soon as they are not needed. */
  async onMessage(tx: Transaction): Promise<void> {
    try {
      const verdict = await this.relay(tx);
      tx.accepted = true;
      this.deps.metrics?.messages.inc({ verdict, reason: '' });
      await this.commitCap(tx);
    } catch (err) {
      this.countRefusal(err);
      throw err;
    } finally {
      // Held or refused mail no longer needs its bytes either (the quarantine has its own copy).
      tx.message = undefined;
      await this.onEnd(tx);
    }
  }

  private countRefusal(err: unknown): void {
    if (!this.deps.metrics) return;
    const code = err instanceof ParleyError ? err.code : 'internal';
    const temporary = !(err instanceof ParleyError) || (err.smtp?.code ?? 451) < 500;
    this.deps.metrics.messages.inc({ verdict: code === 'policy_rejected' ? 'policy_rejected' : temporary ? 'deferred' : 'refused', reason: code });
  }

  /**
   * The message is durably accepted: its cap unit stops being a lease. A store failure here must not turn
   * the 250 into a 451 (the sender would send it twice); the lease then simply lapses, under-counting one.
   */
  private async commitCap(tx: Transaction): Promise<void> {
    if (!tx.capHeldFor) return;
    try {
      await this.deps.dailyCap.commit(tx.capHeldFor, tx.id);
    } catch (err) {
      this.deps.logger.warn({ msgId: tx.id, err: (err as Error).message }, 'daily cap unit not committed; it lapses with its lease');
    }
  }

  /** The transaction is over (refused, reset, disconnected or accepted): unaccepted mail gives its cap unit back. */
  async onEnd(tx: Transaction): Promise<void> {
    if (tx.accepted || !tx.capHeldFor) return;
    const sellerId = tx.capHeldFor;
    tx.capHeldFor = undefined;
    await this.deps.dailyCap.release(sellerId, tx.id);
  }

  private async relay(tx: Transaction): Promise<'accepted' | 'held' | 'bounce'> {
    const log = this.deps.logger.child({ msgId: tx.id });
    const target = tx.target;
    if (!target) throw new ParleyError('bad_message', 'no recipient');
    if (!tx.message) throw new ParleyError('bad_message', 'no message');
    if (target.kind === 'bounce') {
      await this.deps.acceptBounce(target.queueId, tx.message, log);
      return 'bounce';
    }

    const { conversation, parsed, auth, verdict } = await this.inspect(tx, target.resolution, log);
    if (verdict.action === 'reject') return this.refuse(tx, parsed, conversation, verdict, log);
    if (verdict.action === 'hold') {
      await this.hold(tx, parsed, conversation, verdict, log);
      return 'held';
    }
    // Only the parsed message is needed from here on; a large message's bytes go before its rebuilt copy is made.
    const size = tx.message?.length ?? 0;
    tx.message = undefined;
    this.deps.memory?.checkpoint(size);
    const content = this.deps.policy.applyMasks({ subject: parsed.mail.subject ?? '', text: parsed.mail.text, html: parsed.mail.html || undefined }, verdict);
    await this.deps.forwarder.forward(
      { queueId: tx.id, conversation, parsed, content, policyTags: verdict.tags, envelopeFrom: tx.envelopeFrom, tls: tx.tls, auth },
      log,
    );
    return 'accepted';
  }

  /** Parse once, authorize the header From, authenticate the sender, scan the content. */
  private async inspect(tx: Transaction, resolution: AliasResolution, log: Logger) {
    const raw = tx.message!;
    const conversation = tx.conversation ?? (await this.conversation(resolution));
    const parsed = await parseMessage(raw);
    authorizeSender(parsed.fromAddress, conversation);
    const auth = await this.authenticate(tx, raw, parsed, log);
    const verdict = await scanContent(this.deps.policy, parsed, conversation, this.deps.config.domain, this.deps.now());
    for (const f of verdict.findings) this.deps.metrics?.policyFindings.inc({ rule: f.ruleId, action: f.action });
    return { conversation, parsed, auth, verdict };
  }

  /** A reviewer released a held message: the same last leg as fresh mail, masked if they asked. */
  async release(message: QuarantinedMessage, raw: Buffer, opts: { mask: boolean }): Promise<void> {
    const log = this.deps.logger.child({ msgId: message.id });
    const conversation = await this.conversationOf(message.pairId, message.direction);
    const parsed = await parseMessage(raw);
    // Known party addresses are always replaced by aliases: that is privacy, not policy.
    const findings = message.findings
      .filter((f) => opts.mask || f.detector === 'known-address')
      .map((f) => ({ ...f, action: 'mask' as const, replacement: f.replacement ?? DEFAULT_REPLACEMENT }));
    const content = this.deps.policy.applyMasks(
      { subject: parsed.mail.subject ?? '', text: parsed.mail.text, html: parsed.mail.html || undefined },
      { action: 'deliver', findings, tags: [] },
    );
    await this.deps.forwarder.forward(
      { queueId: newQueueId(), conversation, parsed, content, policyTags: [], envelopeFrom: message.envelopeFrom, tls: false, auth: RELEASED },
      log,
    );
  }

  /** A reviewer rejected a held message: its sender hears why (null-sender mail has no one to tell). */
  async notifyRejected(message: QuarantinedMessage, reason: string): Promise<void> {
    if (!message.envelopeFrom) return;
    const { recipient } = await this.conversationOf(message.pairId, message.direction);
    await this.deps.notices.rejected({ to: message.envelopeFrom, subject: message.subject, recipientName: recipient.name }, reason);
  }

  private async authenticate(tx: Transaction, raw: Buffer, parsed: ParsedMessage, log: Logger): Promise<SenderAuthResult> {
    const { config } = this.deps;
    const auth = await authenticateSender(
      { raw, clientIp: tx.clientIp, helo: tx.helo, envelopeFrom: tx.envelopeFrom, fromDomain: parsed.fromDomain },
      { mode: config.senderAuth, resolver: this.deps.resolver, mta: config.hostname ?? config.domain },
    );
    if (auth.verdict === 'fail' && config.senderAuth === 'enforce') {
      log.info({ spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc }, 'sender authentication failed');
      const text = `We could not verify that this message comes from its sender: ${auth.reason}`;
      throw new ParleyError('sender_unauthenticated', text, { smtpText: text });
    }
    return auth;
  }

  private async refuse(tx: Transaction, parsed: ParsedMessage, c: Conversation, verdict: Verdict, log: Logger): Promise<never> {
    const raw = tx.message!;
    const input = quarantineInput({ id: tx.id, status: 'rejected', conversation: c, verdict, parsed, raw, envelopeFrom: tx.envelopeFrom, now: this.deps.now() });
    await this.deps.quarantine.hold(input);
    const rule = input.rules[0]!;
    log.info({ rules: input.rules, pairId: c.pair.id }, 'message refused by policy');
    const text = `Message refused by the marketplace content policy (rule ${rule}): ${this.deps.describeRule(rule) ?? 'it breaks the marketplace rules'}`;
    throw new ParleyError('policy_rejected', text, { smtpText: text });
  }

  private async hold(tx: Transaction, parsed: ParsedMessage, c: Conversation, verdict: Verdict, log: Logger): Promise<void> {
    const raw = tx.message!;
    const input = quarantineInput({ id: tx.id, status: 'held', conversation: c, verdict, parsed, raw, envelopeFrom: tx.envelopeFrom, now: this.deps.now() });
    await this.deps.quarantine.hold(input);
    if (tx.envelopeFrom) {
      const rules = input.rules.map((id) => ({ id, description: this.deps.describeRule(id) }));
      await this.deps.notices.held({ to: tx.envelopeFrom, subject: input.subject, recipientName: c.recipient.name }, rules);
    }
    log.info({ rules: input.rules, pairId: c.pair.id }, 'message held for review');
  }

  private async conversation(resolution: AliasResolution): Promise<Conversation> {
    const { parties, pairs } = this.deps.directory;
    const { pair, counterpart, owner } = resolution;
    const [sender, recipient] = await Promise.all([parties.require(counterpart.id, counterpart.role, 'sender'), parties.require(owner.id, owner.role, 'recipient')]);
    const aliasOf = (role: string) => pairs.address(role === 'buyer' ? pair.buyerAlias : pair.sellerAlias);
    return { pair, direction: resolution.direction, sender, recipient, senderAlias: aliasOf(sender.role), recipientAlias: aliasOf(recipient.role) };
  }

  private async conversationOf(pairId: string, direction: Direction): Promise<Conversation> {
    const pair = await this.deps.directory.pairs.byId(pairId);
    if (!pair) throw new ParleyError('pair_not_found', `pair ${pairId} no longer exists`);
    // The alias written to stands for the recipient: the buyer when the seller writes, and the other way round.
    return this.conversation(resolutionFor(pair, direction === 'seller_to_buyer' ? 'buyer' : 'seller'));
  }
}

function sameTarget(a: RecipientTarget, b: RecipientTarget): boolean {
  if (a.kind === 'bounce') return b.kind === 'bounce' && a.queueId === b.queueId;
  return b.kind === 'alias' && a.resolution.pair.id === b.resolution.pair.id && a.alias === b.alias;
}
