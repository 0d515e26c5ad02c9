import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface Reply {
  code: number;
  /** Full text of the last line after the code, e.g. "5.7.1 Relaying denied …". */
  text: string;
  lines: string[];
}

/**
 * A deliberately dumb SMTP client: it writes exactly the bytes a test gives it (smuggling sequences, bare LFs,
 * pipelined commands) and reads replies, so tests can check each reply code precisely.
 */
export class RawSmtpClient {
  private buffer = '';
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  /** localAddress: a source address such as 127.0.0.2 (Linux routes all of 127/8 to lo), so one test can be several clients. */
  static async connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawSmtpClient> {
    const socket = connect({ port, host, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawSmtpClient(socket);
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buffer += d;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Reads one complete (possibly multi-line) reply. */
  async read(timeoutMs = 10_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.buffer.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]!) || /^\d{3}$/.test(lines[i]!)) {
          const replyLines = lines.slice(0, i + 1);
          this.buffer = lines.slice(i + 1).join('\r\n');
          const last = replyLines.at(-1)!;
          return { code: Number(last.slice(0, 3)), text: last.slice(4), lines: replyLines };
        }
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply; buffer: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<Reply> {
    this.write(`${line}\r\n`);
    return this.read();
  }

  async starttls(servername = 'relay.test'): Promise<void> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) throw new Error(`STARTTLS refused: ${reply.code} ${reply.text}`);
    this.socket.removeAllListeners('data');
    const secure = tlsConnect({ socket: this.socket as Socket, servername, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  /** EHLO, MAIL, RCPT…, DATA, body, end: returns every reply so tests can check each step. */
  async transaction(from: string, rcpts: string[], body: string | Buffer): Promise<{ mail: Reply; rcpt: Reply[]; data?: Reply; end?: Reply }> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    const rcpt: Reply[] = [];
    for (const r of rcpts) rcpt.push(await this.command(`RCPT TO:<${r}>`));
    if (!rcpt.some((r) => r.code === 250)) return { mail, rcpt };
    const data = await this.command('DATA');
    if (data.code !== 354) return { mail, rcpt, data };
    this.write(body);
    const endsInCrlf = (typeof body === 'string' ? Buffer.from(body) : body).subarray(-2).toString('latin1') === '\r\n';
    this.write(endsInCrlf ? '.\r\n' : '\r\n.\r\n');
    return { mail, rcpt, data, end: await this.read(30_000) };
  }

  isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (!this.closed) this.socket.write('QUIT\r\n');
    this.socket.end();
  }
}
