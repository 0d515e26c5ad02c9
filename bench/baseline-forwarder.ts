// The bare forwarder every Parley figure is divided by: smtp-server in, nodemailer (pooled) out, nothing in
// between — no alias lookup, no parsing, no policy, no signing, no spool. It is what any Node relay pays for
// SMTP alone, so Parley/baseline isolates what Parley adds. Run as its own process (forked by run.ts) so its
// CPU and memory are measured the same way as the relay's.
//
// BASELINE_MODE=async (default): 250 as soon as the message is in memory, forwarded right after — the least
// work a relay can do, so the ratio is conservative. BASELINE_MODE=sync: 250 only after the far end's 250,
// as a forwarding proxy such as Haraka's smtp_forward does.
import { readFileSync } from 'node:fs';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';

export type BaselineMessage = { type: 'ready'; port: number } | { type: 'failed'; count: number };

function main(): void {
  const targetPort = Number(process.env.BASELINE_TARGET_PORT);
  const mode = process.env.BASELINE_MODE === 'sync' ? 'sync' : 'async';
  const keys = new URL('../test/fixtures/keys/', import.meta.url);
  // Same pool size as Parley's default outbound.concurrency, so neither side has more onward connections.
  const outbound = createTransport({
    host: '127.0.0.1',
    port: targetPort,
    pool: true,
    maxConnections: Number(process.env.BASELINE_POOL ?? 20),
    maxMessages: Infinity,
    logger: false,
  });
  let failed = 0;

  const forward = (from: string, to: string[], raw: Buffer) =>
    outbound.sendMail({ envelope: { from, to }, raw }).then(
      () => true,
      () => {
        // Nothing retries here: a lost message shows up in run.ts's exactly-once check, as it should.
        failed++;
        process.send?.({ type: 'failed', count: failed } satisfies BaselineMessage);
        return false;
      },
    );

  const server = new SMTPServer({
    // The same advertised features and per-connection work as Parley's edge (STARTTLS offered, no AUTH,
    // no reverse DNS), so the SMTP layer costs the same on both sides.
    name: 'baseline.test',
    size: 26_214_400,
    key: readFileSync(new URL('tls-key.pem', keys)),
    cert: readFileSync(new URL('tls-cert.pem', keys)),
    authOptional: true,
    disabledCommands: ['AUTH'],
    hideDSN: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        const sent = forward(from, to, Buffer.concat(chunks));
        if (mode === 'async') return callback();
        void sent.then((ok) => callback(ok ? null : Object.assign(new Error('forwarding failed'), { responseCode: 451 })));
      });
    },
  });
  server.on('error', () => undefined);
  server.listen(0, '127.0.0.1', () => {
    const address = server.server.address();
    process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 } satisfies BaselineMessage);
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.send) main();
