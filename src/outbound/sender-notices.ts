import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { Logger } from '../observability/logger.js';
import type { DkimSigner } from '../pipeline/sign-message.js';
import type { MessageQueue } from '../pipeline/transaction.js';
import { newQueueId } from './queued-message.js';

export interface NoticeAbout {
  /** The sender's real address: where the notice goes. */
  to: string;
  /** Their own subject, so they recognise the message. */
  subject: string;
  /** The recipient's public marketplace name: never anything of the recipient's real data. */
  recipientName: string;
}

export interface SenderNoticesDeps {
  domain: string;
  signer: DkimSigner;
  queue: MessageQueue;
  logger: Logger;
  now: () => number;
}

/**
 * Tells a sender what happened to a message the content policy stopped: held for review, or rejected by a
 * reviewer. From the relay itself, signed for the alias domain, never bounced (notify: null) and marked
 * Auto-Submitted so mail clients do not answer it.
 */
export class SenderNotices {
  constructor(private readonly deps: SenderNoticesDeps) {}

  held(about: NoticeAbout, rules: { id: string; description?: string | undefined }[]): Promise<void> {
    const why = rules.map((r) => `- ${r.id}${r.description ? `: ${r.description}` : ''}`).join('\n');
    return this.send(about, `Held for review: ${about.subject}`, [
      `Your message "${about.subject}" to ${about.recipientName} is being held for review by the marketplace, because of:`,
      '',
      why,
      '',
      'A reviewer will release or reject it. You will get another message only if it is rejected.',
      '',
      `보내신 메시지 "${about.subject}"(받는 분: ${about.recipientName})는 마켓 정책에 따라 검토 대기 중입니다.`,
    ]);
  }

  rejected(about: NoticeAbout, reason: string): Promise<void> {
    return this.send(about, `Not delivered: ${about.subject}`, [
      `Your message "${about.subject}" to ${about.recipientName} was reviewed and will not be delivered.`,
      '',
      `Reason: ${reason}`,
      '',
      `보내신 메시지 "${about.subject}"(받는 분: ${about.recipientName})는 검토 결과 전달되지 않습니다. 사유: ${reason}`,
    ]);
  }

  private async send(about: NoticeAbout, subject: string, lines: string[]): Promise<void> {
    const { domain, now } = this.deps;
    const id = newQueueId();
    const composed = await new MailComposer({
      from: { name: 'Parley', address: `noreply@${domain}` },
      to: about.to,
      subject,
      date: new Date(now()),
      messageId: `<${id}@${domain}>`,
      text: lines.join('\n'),
      headers: { 'Auto-Submitted': 'auto-generated' },
      newline: 'windows',
      disableFileAccess: true,
      disableUrlAccess: true,
    })
      .compile()
      .build();
    const signed = Buffer.concat([Buffer.from(await this.deps.signer.signature(composed)), composed]);
    await this.deps.queue.enqueue(signed, { id, from: '', to: about.to, notify: null, context: { kind: 'notice' } });
    this.deps.logger.info({ msgId: id, subject: subject.split(':')[0] }, 'sender notice queued');
  }
}
