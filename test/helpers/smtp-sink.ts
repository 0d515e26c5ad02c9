import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SunkMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpSink {
  port: number;
  messages: SunkMessage[];
  /** Decide the reply per recipient: undefined accepts; an [code, text] pair refuses. */
  respond: (rcpt: string) => [number, string] | undefined;
  waitFor(count: number, timeoutMs?: number): Promise<SunkMessage[]>;
  close(): Promise<void>;
}

/** A real SMTP server on loopback standing in for the recipient's provider (a remote MTA we cannot reach). */
export async function startSink(port = 0, options: Partial<SMTPServerOptions> = {}): Promise<SmtpSink> {
  const messages: SunkMessage[] = [];
  const sink: SmtpSink = {
    port: 0,
    messages,
    respond: () => undefined,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`sink received ${messages.length} of ${count} messages`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    ...options,
    onRcptTo(address, _session, callback) {
      const refusal = sink.respond(address.address);
      if (refusal) return callback(Object.assign(new Error(refusal[1]), { responseCode: refusal[0] }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  sink.port = typeof address === 'object' && address ? address.port : port;
  return sink;
}
