// `npm run demo`: a seller and a buyer exchange mail through Parley; prints what each side wrote next to
// what the other side received, so the aliasing is visible at a glance. Everything runs on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/config/load.js';
import { startParley } from '../src/main.js';
import { createLogger } from '../src/observability/logger.js';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-'));
const inbox: Buffer[] = [];

// The recipients' providers: one capture server standing in for Gmail and the shop's mail host.
const capture = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  closeTimeout: 1,
  onData(stream, _session, done) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      inbox.push(Buffer.concat(chunks));
      done();
    });
  },
});
await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
const capturePort = (capture.server.address() as { port: number }).port;

const config = loadConfig({
  env: {},
  overrides: {
    domain: 'parley.localhost',
    dataDir,
    smtp: { port: 0 },
    api: { port: 0 },
    outbound: { target: `smtp://127.0.0.1:${capturePort}` },
    // The demo has no DNS to check SPF/DKIM against; production runs with enforce.
    senderAuth: 'off',
    log: { level: 'error' },
  },
});
const parley = await startParley(config, createLogger('error'));
const d = parley.directory;
await d.parties.put({ id: 'seller-1', role: 'seller', name: 'Blue Kettle Store', emails: ['anna@bluekettle-shop.example'] });
await d.parties.put({ id: 'buyer-1', role: 'buyer', name: 'Jiwoo', emails: ['jiwoo.kim@gmail.example'] });
const { pair } = await d.orders.record({ orderId: 'A-7781', buyerId: 'buyer-1', sellerId: 'seller-1', placedAt: Date.now() - 86_400_000 });
const buyerAlias = d.pairs.address(pair.buyerAlias);
const sellerAlias = d.pairs.address(pair.sellerAlias);

const client = nodemailer.createTransport({ host: '127.0.0.1', port: parley.smtpPort, secure: false, tls: { rejectUnauthorized: false } });

async function exchange(mail: SendMailOptions): Promise<{ sent: string; received: string; messageId: string }> {
  const before = inbox.length;
  const sentRaw = await new Promise<Buffer>((resolve, reject) =>
    nodemailer.createTransport({ streamTransport: true, buffer: true }).sendMail(mail, (err, info) => (err ? reject(err) : resolve(info.message as Buffer))),
  );
  await client.sendMail({ envelope: { from: String(mail.from).replace(/.*</, '').replace('>', ''), to: String(mail.to).replace(/.*</, '').replace('>', '') }, raw: sentRaw });
  while (inbox.length === before) await new Promise((r) => setTimeout(r, 20));
  const received = inbox[inbox.length - 1]!;
  return { sent: await summary(sentRaw), received: await summary(received), messageId: (await simpleParser(received)).messageId ?? '' };
}

async function summary(raw: Buffer): Promise<string> {
  const m = await simpleParser(raw);
  const header = (name: string) => m.headers.get(name.toLowerCase());
  const show = (v: unknown) => (v && typeof v === 'object' && 'text' in v ? String((v as { text: string }).text) : v instanceof Date ? v.toUTCString() : String(v ?? ''));
  const lines = ['From', 'To', 'Cc', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'In-Reply-To', 'X-Mailer'].filter((h) => header(h)).map((h) => `${h}: ${show(header(h))}`);
  return [...lines, '', ...(m.text ?? '').trim().split('\n').slice(0, 8)].join('\n');
}

function sideBySide(title: string, left: string, right: string): void {
  const width = 62;
  const cut = (s: string) => (s.length > width - 2 ? `${s.slice(0, width - 3)}…` : s);
  const l = left.split('\n');
  const r = right.split('\n');
  console.log(`\n=== ${title} ${'='.repeat(Math.max(0, width * 2 - title.length - 5))}`);
  console.log(`${'WHAT THE SENDER WROTE'.padEnd(width)}│ WHAT THE OTHER SIDE RECEIVED`);
  console.log(`${'─'.repeat(width)}┼${'─'.repeat(width)}`);
  for (let i = 0; i < Math.max(l.length, r.length); i++) console.log(`${cut(l[i] ?? '').padEnd(width)}│ ${cut(r[i] ?? '')}`);
}

try {
  const first = await exchange({
    from: '"Anna at Blue Kettle" <anna@bluekettle-shop.example>',
    to: buyerAlias,
    subject: 'Your order A-7781 has shipped',
    text: 'Hi Jiwoo,\n\nyour white ceramic kettle left our warehouse today.\nThe tracking page updates tonight.\n\nAnna\nBlue Kettle Store',
    headers: { 'X-Mailer': 'Microsoft Outlook 16.0', 'X-Originating-IP': '[81.2.69.142]' },
  });
  sideBySide('1. Seller → buyer alias', first.sent, first.received);

  const reply = await exchange({
    from: '"Jiwoo Kim" <jiwoo.kim@gmail.example>',
    to: sellerAlias,
    cc: 'Minjun Kim <minjun@family.example>',
    subject: 'Re: Your order A-7781 has shipped',
    inReplyTo: first.messageId,
    references: [first.messageId],
    text: `Thank you! Could you add a gift note?\n\n--\nJiwoo\n\nOn Mon, Blue Kettle Store <${sellerAlias}> wrote:\n> your white ceramic kettle left our warehouse today.`,
    headers: { 'X-Mailer': 'Gmail', 'X-Gm-Message-State': 'AOJu0Yw...' },
  });
  sideBySide('2. Buyer replies (Gmail) → seller alias', reply.sent, reply.received);
  console.log(`\nThe pair's aliases: buyer ${buyerAlias}, seller ${sellerAlias}.`);
  console.log('Neither side saw the other\'s address, display name, host, IP or Message-ID; the thread stays threaded.');
} finally {
  client.close();
  await parley.close();
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
}
