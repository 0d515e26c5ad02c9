// The far end both Parley and the baseline deliver to: a real smtp-server on loopback, run as its own process
// (forked by run.ts) so its work is neither charged to the relay nor taken from the load generator's core
// share. It finds each message's bench token in the Subject and reports [token, arrival time] batches over IPC;
// counting exactly-once happens in run.ts.
import { performance } from 'node:perf_hooks';
import { SMTPServer } from 'smtp-server';

/** Tokens are letters only: digits could read as phone numbers to the relay's content policy. */
const TOKEN = /bench-[a-z]+-[a-z]+/;
/** The Subject is in the header block; 256 KB covers any header block the relay lets through. */
const MAX_HEAD = 256 * 1024;
/** IPC per message would cost more than the sink's own work at a thousand messages a second: batch. */
const FLUSH_MS = 50;

export type SinkMessage = { type: 'ready'; port: number } | { type: 'delivered'; batch: [token: string, at: number][] };

const wallNow = (): number => performance.timeOrigin + performance.now();

/** RFC 2047 words (UTF-8, B or Q): the relay re-encodes the Subject, possibly around the token too. */
function decodeWords(value: string): string {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) => {
    if (enc.toLowerCase() === 'b') return Buffer.from(text, 'base64').toString('utf8');
    const bytes = text.replaceAll('_', ' ').replace(/=([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  });
}

export function findToken(head: string): string | null {
  const end = head.indexOf('\r\n\r\n');
  const block = (end >= 0 ? head.slice(0, end) : head).replace(/\r\n[ \t]+/g, ' ');
  const subject = /^subject:(.*)$/im.exec(block);
  return subject ? (TOKEN.exec(decodeWords(subject[1]!))?.[0] ?? null) : null;
}

function main(): void {
  let pending: [string, number][] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    // The relays' outbound would otherwise negotiate TLS with every pooled connection; both are treated alike.
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    closeTimeout: 1,
    onData(stream, _session, callback) {
      const head: Buffer[] = [];
      let headBytes = 0;
      stream.on('data', (chunk: Buffer) => {
        if (headBytes >= MAX_HEAD) return;
        head.push(chunk);
        headBytes += chunk.length;
      });
      stream.on('end', () => {
        const token = findToken(Buffer.concat(head).subarray(0, MAX_HEAD).toString('latin1'));
        pending.push([token ?? 'untagged', wallNow()]);
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  server.listen(0, '127.0.0.1', () => {
    const address = server.server.address();
    process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 } satisfies SinkMessage);
  });
  setInterval(() => {
    if (!pending.length) return;
    process.send?.({ type: 'delivered', batch: pending } satisfies SinkMessage);
    pending = [];
  }, FLUSH_MS);
  // The bench is the only reason this process exists: go when it goes.
  process.on('disconnect', () => process.exit(0));
}

if (process.send) main();
