// The load generator: a raw SMTP client pool. Raw sockets rather than nodemailer because the client shares two
// cores with the relay it measures; every millisecond it spends composing or parsing is taken from the relay.
// Commands are sent one at a time (no PIPELINING), as a conservative client does.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Job {
  token: string;
  mailFrom: string;
  rcptTo: string;
  /** Wire chunks: CRLF line ends, dot-safe, ending in CRLF (see messages.ts). */
  chunks: Buffer[];
  bytes: number;
}

export interface LoadOptions {
  port: number;
  /** SMTP sessions in flight at once. */
  concurrency: number;
  /** Messages per session before QUIT; 1 = a new connection (and smtp-server's 100 ms greeting) per message. */
  perSession: number;
  /** Stop starting messages after this long; messages already started finish. */
  durationMs: number;
  /** Loopback source addresses to spread sessions over (see clientAddress); 1 = 127.0.0.1 only. */
  clientIps: number;
  /** Supplies the next message; null ends the run. */
  next(): Job | null;
}

export interface Outcome {
  token: string;
  accepted: boolean;
  /** From connect (first message of a session) or from MAIL FROM (later ones) to the final reply. */
  latencyMs: number;
  /** The reply that ended it: the 250 after DATA, or the refusal, or the socket error. */
  reply: string;
  /** Wall-clock ms (epoch, fractional), comparable with the sink's timestamps from another process. */
  at: number;
}

export interface LoadResult {
  startedAt: number;
  /** When the last in-flight message got its reply. */
  endedAt: number;
  outcomes: Outcome[];
  bytes: number;
}

/** Epoch milliseconds with sub-ms resolution; the same formula in the sink process keeps the two comparable. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/**
 * An MX's load comes from many clients, and the relay limits each client address (connections at once,
 * connections and messages per minute). Linux routes all of 127.0.0.0/8 to loopback, so sessions rotate over
 * that many source addresses: the limits stay on, at their defaults, and see what they would see in production.
 * The counter spans cells, so one cell's per-address windows do not carry into the next.
 */
let nextClient = 0;
function clientAddress(pool: number): string {
  if (pool <= 1) return '127.0.0.1';
  const n = nextClient++ % pool;
  // Octets 1–250: no network or broadcast-looking addresses.
  return `127.${Math.floor(n / 62_500) + 1}.${(Math.floor(n / 250) % 250) + 1}.${(n % 250) + 1}`;
}

/**
 * One short session from every client address: greeting, EHLO, MAIL FROM, RSET, QUIT. An MX mostly hears
 * from senders it has heard from before, and Parley greets a client that waited for its greeting once before
 * without the 100 ms pause (PARLEY_GREET_PASS_TTL); this makes every bench client such a returning one.
 */
export async function introduceClients(port: number, pool: number, concurrency = 50): Promise<number> {
  // `pool` turns of the rotation visit each address once, and leave it where it was.
  let left = Math.max(1, pool);
  let failed = 0;
  const loop = async () => {
    while (left-- > 0) {
      let session: Session | undefined;
      try {
        session = await Session.open(port, clientAddress(pool));
        const replies = [await session.read(), await session.command('EHLO bench-client.example'), await session.command('MAIL FROM:<hello@bench-client.example>')];
        await session.command('RSET');
        if (replies.some((r) => r.code !== 220 && r.code !== 250)) failed++;
        session.quit();
      } catch {
        failed++;
        session?.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return failed;
}

/** A large message at high concurrency can queue behind others inside the relay: be patient, not infinite. */
const REPLY_TIMEOUT_MS = 300_000;

interface Reply {
  code: number;
  text: string;
}

/** One SMTP connection: reads complete (possibly multi-line) replies in order. */
class Session {
  private buffer = '';
  private readonly replies: Reply[] = [];
  private waiter: ((r: Reply | Error) => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.setNoDelay(true);
    socket.setTimeout(REPLY_TIMEOUT_MS, () => socket.destroy(new Error('reply timeout')));
    socket.on('data', (d: string) => this.onData(d));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static open(port: number, localAddress: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress });
      socket.once('connect', () => resolve(new Session(socket)));
      socket.once('error', reject);
    });
  }

  private onData(data: string): void {
    this.buffer += data;
    for (let eol = this.buffer.indexOf('\r\n'); eol >= 0; eol = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, eol);
      this.buffer = this.buffer.slice(eol + 2);
      // "250-…" continues a multi-line reply; "250 …" (or a bare "250") ends it.
      if (line.charAt(3) === '-') continue;
      this.deliver({ code: Number(line.slice(0, 3)), text: line });
    }
  }

  private deliver(r: Reply | Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(r);
    else if (!(r instanceof Error)) this.replies.push(r);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.deliver(err);
  }

  read(): Promise<Reply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = (r) => (r instanceof Error ? reject(r) : resolve(r));
    });
  }

  async command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  /** The body and the terminating dot in one corked write: big attachment chunks are shared buffers, not copied. */
  async data(chunks: Buffer[]): Promise<Reply> {
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.write('.\r\n');
    this.socket.uncork();
    return this.read();
  }

  quit(): void {
    if (this.failure) return;
    // Not waiting for 221: a client that has its 250 is done, and waiting would only add idle time per session.
    this.socket.end('QUIT\r\n');
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Runs `concurrency` session loops until the duration ends; returns one outcome per message started. */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const startedAt = wallNow();
  const deadline = startedAt + o.durationMs;
  const outcomes: Outcome[] = [];
  let bytes = 0;
  let exhausted = false;

  const take = (): Job | null => {
    if (exhausted || wallNow() >= deadline) return null;
    const job = o.next();
    if (!job) exhausted = true;
    return job;
  };

  const loop = async (): Promise<void> => {
    for (let job = take(); job; ) {
      const connectAt = wallNow();
      let session: Session | undefined;
      let begun = connectAt;
      try {
        session = await Session.open(o.port, clientAddress(o.clientIps));
        const greeting = await session.read();
        if (greeting.code !== 220) throw new Error(greeting.text);
        const ehlo = await session.command('EHLO bench-client.example');
        if (ehlo.code !== 250) throw new Error(ehlo.text);
        for (let n = 0; job && n < o.perSession; n++) {
          if (n > 0) begun = wallNow();
          const outcome = await transaction(session, job);
          outcomes.push({ token: job.token, latencyMs: outcome.at - begun, ...outcome });
          if (outcome.accepted) bytes += job.bytes;
          job = n + 1 < o.perSession ? take() : null;
        }
        session.quit();
      } catch (err) {
        // A broken session loses the message in flight; it counts as not accepted, never silently.
        if (job) outcomes.push({ token: job.token, accepted: false, latencyMs: wallNow() - begun, reply: `error: ${(err as Error).message}`, at: wallNow() });
        session?.destroy();
      }
      job = take();
    }
  };

  await Promise.all(Array.from({ length: o.concurrency }, loop));
  return { startedAt, endedAt: wallNow(), outcomes, bytes };
}

async function transaction(session: Session, job: Job): Promise<Omit<Outcome, 'token' | 'latencyMs'>> {
  const refused = async (r: Reply) => {
    // RSET so a refused transaction leaves the session usable for the next message.
    await session.command('RSET');
    return { accepted: false, reply: r.text, at: wallNow() };
  };
  const mail = await session.command(`MAIL FROM:<${job.mailFrom}>`);
  if (mail.code !== 250) return refused(mail);
  const rcpt = await session.command(`RCPT TO:<${job.rcptTo}>`);
  if (rcpt.code !== 250) return refused(rcpt);
  const data = await session.command('DATA');
  if (data.code !== 354) return refused(data);
  const end = await session.data(job.chunks);
  return { accepted: end.code === 250, reply: end.text, at: wallNow() };
}
