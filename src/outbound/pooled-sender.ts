import { Readable } from 'node:stream';
import { createTransport, type Mail, type SMTPPoolOptions } from 'nodemailer';
import { pieces } from '../pipeline/pieces.js';
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

/** What nodemailer's pool reads of a message handed to its transport interface, `send(mail, callback)`. */
interface PoolMail {
  data: { signal?: AbortSignal };
  message: {
    getEnvelope(): { from: string; to: string[] };
    messageId(): string;
    getHeader(name: string): string;
    createReadStream(): Readable;
  };
}

interface SmtpPool {
  send(mail: PoolMail, callback: (err: Error | null, info?: { response?: string }) => void): boolean;
}

const IN_PIECES_ABOVE = 256 * 1024;

/** One nodemailer pool to one host; sends raw bytes with an explicit envelope and classifies the outcome. */
export class PooledSender {
  private readonly mail: Mail;
  private readonly pool: SmtpPool;

  constructor(options: SMTPPoolOptions) {
    // A connection the server closed mid-send is requeued by nodemailer at most twice; our own schedule
    // does the real retrying, and a hidden retry loop here would stretch one attempt for minutes.
    this.mail = createTransport({ ...options, pool: true, maxRequeues: 2, logger: false });
    this.pool = (this.mail as unknown as { transporter: SmtpPool }).transporter;
  }

  /**
   * Our bytes go straight to the pool's transport interface with an explicit envelope: nodemailer sends them
   * as they are and never derives recipients from the headers. Going through sendMail() would wrap the finished
   * message in a new MIME tree, a message id and a chain of newline streams first, which cost as much CPU as
   * the SMTP exchange itself. Nor is sendMail()'s address normalisation needed: every envelope address here is
   * a plain ASCII addr-spec (registered addresses are canonical, ours are VERP), and the spool refuses others.
   */
  send(envelope: Envelope, raw: Buffer, signal?: AbortSignal): Promise<DeliveryResult> {
    const mail: PoolMail = {
      data: signal ? { signal } : {},
      message: {
        getEnvelope: () => ({ from: envelope.from, to: [envelope.to] }),
        messageId: () => '',
        getHeader: () => '',
        // A large message in pieces: the dot-stuffing stream then copies 57 KB at a time, not the whole message.
        createReadStream: () => (raw.length > IN_PIECES_ABOVE ? pieces(raw) : Readable.from([raw], { objectMode: false })),
      },
    };
    return new Promise((resolve) => {
      this.pool.send(mail, (err, info) => resolve(err ? classifySendError(err) : { kind: 'delivered', response: info?.response ?? '' }));
    });
  }

  close(): void {
    this.mail.close();
  }
}
