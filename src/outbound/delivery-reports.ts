import type { AddressCipher } from '../crypto/address-cipher.js';
import type { Logger } from '../observability/logger.js';
import type { DkimSigner } from '../pipeline/sign-message.js';
import type { MessageQueue } from '../pipeline/transaction.js';
import type { BounceRecordStore } from '../storage/ports.js';
import { buildDsn, parseDsn, scrubDiagnostic } from './dsn.js';
import type { DeliveryFailure, NotifyInfo, QueuedMessage } from './queued-message.js';

export interface DeliveryReportsDeps {
  domain: string;
  bounces: BounceRecordStore;
  cipher: AddressCipher;
  signer: DkimSigner;
  queue: MessageQueue;
  logger: Logger;
  now: () => number;
  /** How long a late bounce can still be reported to the sender, counted from acceptance. */
  bounceRecordTtlSeconds: number;
}

interface SealedNotify {
  notify: NotifyInfo;
  realRecipient: string;
}

/**
 * Tells original senders when their mail could not be delivered: a DSN to their real address that names only
 * the alias they wrote to, with the remote diagnostic scrubbed of the recipient's address and hosts. Messages
 * without `notify` (DSNs, notices, auto-replies, null-sender mail) never produce one, so bounces cannot loop.
 */
export class DeliveryReports {
  constructor(private readonly deps: DeliveryReportsDeps) {}

  /**
   * The message is accepted: remember whom to tell should it bounce later at its VERP address (a remote may
   * accept and fail days after). Written on acceptance, with the message's thread entry in the same trip to the
   * store, rather than after delivery, so delivery needs no store at all.
   */
  async expectBounces(queueId: string, notify: NotifyInfo, realRecipient: string): Promise<void> {
    const sealed = this.deps.cipher.seal(JSON.stringify({ notify, realRecipient } satisfies SealedNotify));
    await this.deps.bounces.putBounceRecord(queueId, { notifySealed: sealed }, this.deps.bounceRecordTtlSeconds);
  }

  /** Remote refused for good, or the message outlived the queue: DSN to the original sender. */
  async failed(msg: QueuedMessage, failure: DeliveryFailure): Promise<void> {
    const log = this.deps.logger.child({ msgId: msg.id });
    if (!msg.notify) {
      log.info({ code: failure.code, expired: failure.expired ?? false }, 'undeliverable message without a sender to notify; no DSN');
      return;
    }
    const status = failure.expired ? '4.4.7' : (failure.enhanced ?? (failure.code && failure.code >= 500 ? '5.0.0' : '4.0.0'));
    const diagnostic = failure.expired ? 'The recipient could not be reached for too long; we stopped trying.' : failure.diagnostic;
    await this.sendDsn(msg.id, { notify: msg.notify, realRecipient: msg.to }, status, diagnostic, log, failure.remoteHost);
  }

  /** A bounce came back to one of our VERP addresses (the remote accepted, then failed). */
  async bounced(queueId: string, raw: Buffer, log: Logger): Promise<void> {
    const report = await parseDsn(raw);
    if (!report || !report.permanent) {
      // Delay notices and auto-replies to the envelope sender are not failures: the sender need not hear of them.
      log.info({ queueId, status: report?.status }, 'message at a bounce address is not a failure report; not forwarded');
      return;
    }
    const record = await this.deps.bounces.getBounceRecord(queueId);
    if (!record) {
      log.info({ queueId }, 'bounce for a message we no longer know; not forwarded');
      return;
    }
    const sealed = JSON.parse(this.deps.cipher.open(record.notifySealed)) as SealedNotify;
    await this.sendDsn(queueId, sealed, report.status ?? '5.0.0', report.diagnostic ?? 'The recipient server reported a delivery failure.', log);
  }

  private async sendDsn(aboutId: string, about: SealedNotify, status: string, diagnostic: string, log: Logger, remoteHost?: string): Promise<void> {
    const { notify } = about;
    const dsn = buildDsn({
      reportingDomain: this.deps.domain,
      to: notify.to,
      recipientAlias: notify.recipientAlias,
      action: 'failed',
      status,
      diagnostic: scrubDiagnostic(diagnostic, { realRecipient: about.realRecipient, recipientAlias: notify.recipientAlias, remoteHosts: remoteHost ? [remoteHost] : [] }),
      arrivalDate: notify.arrivalDate,
      subject: notify.subject,
      messageIdDomain: this.deps.domain,
      date: this.deps.now(),
    });
    const signed = Buffer.concat([Buffer.from(await this.deps.signer.signature(dsn)), dsn]);
    const queued = await this.deps.queue.enqueue(signed, { from: '', to: notify.to, notify: null, context: { kind: 'dsn', about: aboutId } });
    log.info({ dsnId: queued.id, status }, 'DSN queued for the original sender');
  }
}
