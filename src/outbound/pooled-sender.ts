import { createTransport, type Mail, type SMTPPoolOptions } from 'nodemailer';
import { classifySendError, type DeliveryResult } from './smtp-reply.js';

export interface Envelope {
  /** '' is the null sender (DSNs). */
  from: string;
  to: string;
}

export interface SmtpTimeouts {
  /** TCP connect. */
  connection: number;
  /** From connect to the 220 greeting; RFC 5321 4.5.3.2 suggests 5 minutes, busy MXs do take a while. */
  greeting: number;
  /** Inactivity during a session; RFC 5321 asks up to 10 minutes after DATA, 5 covers real servers. */
  socket: number;
}

/** One nodemailer pool to one host; sends raw bytes with an explicit envelope and classifies the outcome. */
export class PooledSender {
  private readonly mail: Mail;

  constructor(options: SMTPPoolOptions) {
    // A connection the server closed mid-send is requeued by nodemailer at most twice; our own schedule
    // does the real retrying, and a hidden retry loop here would stretch one attempt for minutes.
    this.mail = createTransport({ ...options, pool: true, maxRequeues: 2, logger: false });
  }

  async send(envelope: Envelope, raw: Buffer, signal?: AbortSignal): Promise<DeliveryResult> {
    try {
      // `raw` with an explicit envelope: nodemailer sends our bytes as they are (no rebuilt headers, no added
      // Message-ID) and never derives recipients from the headers.
      const info = (await this.mail.sendMail({ envelope: { from: envelope.from, to: [envelope.to] }, raw, ...(signal ? { signal } : {}) })) as {
        response?: string;
      };
      return { kind: 'delivered', response: info.response ?? '' };
    } catch (err) {
      return classifySendError(err);
    }
  }

  close(): void {
    this.mail.close();
  }
}
