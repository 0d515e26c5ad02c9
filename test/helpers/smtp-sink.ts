import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  secure: boolean;
  user?: string;
}

export interface Reply {
  code: number;
  message: string;
}

export interface SinkOptions {
  /** Per-recipient answer at RCPT TO: null accepts. Can be changed between attempts with `sink.rcpt = …`. */
  rcpt?: (address: string) => Reply | null;
  /** Keep each transaction open this long after the data arrived, so concurrent sessions overlap (ms). */
  holdMs?: number;
  /** Never answer the end of DATA: the sender's attempt stays in flight until its side gives up. */
  hang?: boolean;
  /** Require AUTH PLAIN/LOGIN with exactly these credentials. */
  auth?: { user: string; pass: string };
  /** Offer STARTTLS (smtp-server's built-in self-signed certificate). */
  starttls?: boolean;
}

/**
 * The far end for outbound tests: a real smtp-server on loopback that records what it received, answers per
 * recipient, counts concurrent transactions (overall and per recipient domain), and can be stopped and started
 * again on the same port to play "far end down".
 */
export class SmtpSink {
  readonly received: Received[] = [];
  /** RCPT TO commands seen, accepted or not: shows whether a message was tried again. */
  rcptAttempts = 0;
  dataStarted = 0;
  maxConcurrent = 0;
  readonly maxConcurrentByDomain = new Map<string, number>();
  rcpt: (address: string) => Reply | null;
  port = 0;
  private server: SMTPServer | undefined;
  private readonly open = new Map<string, string>();

  constructor(private readonly options: SinkOptions = {}) {
    this.rcpt = options.rcpt ?? (() => null);
  }

  /** Starts listening; on the previous port when restarted. */
  async start(): Promise<number> {
    const { auth, starttls } = this.options;
    const disabled = [...(starttls ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])];
    const server = new SMTPServer({
      logger: false,
      disabledCommands: disabled,
      authOptional: !auth,
      allowInsecureAuth: true,
      // Stopping is how tests take the far end down: do it now, not after the default 30 s grace.
      closeTimeout: 1,
      onAuth: (credentials, _session, callback) => {
        if (auth && credentials.username === auth.user && credentials.password === auth.pass) return callback(null, { user: auth.user });
        return callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
      },
      onRcptTo: (address, session, callback) => {
        this.rcptAttempts++;
        const reply = this.rcpt(address.address);
        if (reply) return callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
        this.begin(session, address.address);
        return callback();
      },
      onData: (stream, session, callback) => this.onData(stream, session, callback),
      onClose: (session) => this.end(session),
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.server = server;
    return this.port;
  }

  /** Waits until `count` messages have arrived (polling: the far end has no events to await). */
  async waitFor(count: number, timeoutMs = 20_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`sink received ${this.received.length} of ${count} messages`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    this.dataStarted++;
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      if (this.options.hang) return;
      this.received.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks),
        secure: session.secure,
        ...(session.user ? { user: String(session.user) } : {}),
      });
      setTimeout(() => {
        this.end(session);
        callback();
      }, this.options.holdMs ?? 0);
    });
  }

  private begin(session: SMTPServerSession, address: string): void {
    const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
    this.open.set(session.id, domain);
    this.maxConcurrent = Math.max(this.maxConcurrent, this.open.size);
    const inDomain = [...this.open.values()].filter((d) => d === domain).length;
    this.maxConcurrentByDomain.set(domain, Math.max(this.maxConcurrentByDomain.get(domain) ?? 0, inDomain));
  }

  private end(session: SMTPServerSession): void {
    this.open.delete(session.id);
  }
}
