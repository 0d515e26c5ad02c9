import type { Direction, Pair } from '../domain/pair.js';
import type { Party } from '../domain/party.js';
import type { LargeMessageGate } from '../limits/large-message-gate.js';
import type { Logger } from '../observability/logger.js';
import type { SenderAuthResult } from './authenticate-sender.js';
import { autoSubmittedValue, composeMessage, deliveredDate, type MessageContent } from './compose-message.js';
import type { ParsedMessage } from './parse-message.js';
import type { DkimSigner } from './sign-message.js';
import { traceHeaders } from './trace-headers.js';
import type { MessageQueue } from './transaction.js';
import type { ThreadTranslator } from './translate-thread.js';
import { newQueueId, type NotifyInfo } from '../outbound/queued-message.js';

/** Who writes to whom within a pair, as marketplace data knows them. */
export interface Conversation {
  pair: Pair;
  direction: Direction;
  sender: Party;
  recipient: Party;
  /** The sender's alias: the From of what the recipient gets. */
  senderAlias: string;
  /** What the sender wrote to: the recipient's alias. */
  recipientAlias: string;
}

export interface ForwardInput {
  queueId: string;
  conversation: Conversation;
  parsed: ParsedMessage;
  /** What to deliver: the original content, or the policy's masked version of it. */
  content: MessageContent;
  policyTags: string[];
  /** The real envelope sender, told by DSN if delivery fails; '' (null sender) is never told. */
  envelopeFrom: string;
  tls: boolean;
  auth: SenderAuthResult;
}

export interface ForwarderDeps {
  threads: ThreadTranslator;
  signer: DkimSigner;
  queue: MessageQueue;
  verp: { encode(queueId: string): string };
  loopMarker: string;
  hostname: string;
  now: () => number;
  /** Frees a large message's temporary buffers between stages (see LargeMessageGate). */
  memory?: Pick<LargeMessageGate, 'checkpoint'>;
  /** Whom to tell of a late bounce (DeliveryReports.expectBounces). */
  bounces: { expectBounces(queueId: string, notify: NotifyInfo, realRecipient: string): Promise<void> };
}

/**
 * The last leg, shared by fresh mail and reviewer releases: translate thread ids, rebuild the message from the
 * header allow-list, sign it for the alias domain, and queue it durably.
 */
export class Forwarder {
  constructor(private readonly deps: ForwarderDeps) {}

  async forward(input: ForwardInput, log: Logger): Promise<void> {
    const { threads, now } = this.deps;
    const { conversation: c, parsed, queueId, envelopeFrom, policyTags } = input;
    const relayLocal = newQueueId();
    const originalId = parsed.mail.messageId;
    const subject = input.content.subject;
    const thread = await threads.translate(c.pair.id, c.sender.role, parsed.mail.inReplyTo, parsed.mail.references);
    const autoSubmitted = autoSubmittedValue(parsed.headers);
    const composed = await composeMessage({
      parsed,
      from: { name: c.sender.name, address: c.senderAlias },
      to: c.recipient.emails[0]!,
      messageId: threads.relayMessageId(relayLocal),
      boundary: relayLocal,
      thread,
      date: deliveredDate(parsed.mail.date, now()),
      autoSubmitted,
      policyTags,
      content: input.content,
    });
    this.deps.memory?.checkpoint(composed.length);
    const to = c.recipient.emails[0]!;
    // Auto-replies and null-sender mail never get a DSN: that is how bounce loops start.
    const notify: NotifyInfo | null = envelopeFrom === '' || autoSubmitted ? null : { to: envelopeFrom, recipientAlias: c.recipientAlias, subject, arrivalDate: now() };
    // The thread entry and the bounce record are written before the spool, so a store failure answers 451 with
    // nothing queued; both go in one trip to the store. Neither depends on the signature: they overlap (the
    // signature is made in the thread pool meanwhile).
    const [signature] = await Promise.all([
      this.deps.signer.signature(composed),
      threads.remember(c.pair.id, c.sender.role, relayLocal, originalId),
      notify ? this.deps.bounces.expectBounces(queueId, notify, to) : undefined,
    ]);
    const trace = traceHeaders({
      hostname: this.deps.hostname,
      marker: this.deps.loopMarker,
      queueId,
      tls: input.tls,
      date: new Date(now()),
      auth: input.auth,
    });

    await this.deps.queue.enqueue([Buffer.from(trace + signature), composed], {
      id: queueId,
      from: this.deps.verp.encode(queueId),
      to,
      notify,
      context: { pairId: c.pair.id, direction: c.direction, senderId: c.sender.id },
    });
    log.info({ pairId: c.pair.id, direction: c.direction, auth: input.auth.verdict, tags: policyTags, bytes: composed.length }, 'message queued');
  }
}
