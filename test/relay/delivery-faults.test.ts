import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/redis-process.js';
import { simpleMessage, startRelay } from '../helpers/parley.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

const BUYER = 'jiwoo.kim@gmail.example';

describe('delivery faults', () => {
  it('when the far end is down, then the message is retried and delivered once it comes back', async () => {
    const port = await freePort();
    const relay = await startRelay({ overrides: { outbound: { target: `smtp://127.0.0.1:${port}` } } });
    const { sellerAlias } = await relay.seed();
    const c = await relay.client();
    expect((await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }))).end?.code).toBe(250);
    // Let at least one attempt fail against the closed port.
    const deadline = Date.now() + 10_000;
    while ((relay.parley.spool.list()[0]?.attempts ?? 0) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(relay.parley.spool.list()[0]?.attempts).toBeGreaterThanOrEqual(1);

    const farEnd = new SmtpSink();
    farEnd.port = port;
    await farEnd.start();
    try {
      const [m] = await farEnd.waitFor(1);
      expect(m!.to).toEqual(['owner@bluekettle.example']);
      const deadline2 = Date.now() + 5_000;
      while (relay.parley.spool.depth() > 0 && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 50));
      expect(relay.parley.spool.depth()).toBe(0);
    } finally {
      await farEnd.stop();
    }
  });

  it('when the far end refuses with 5xx, then the sender gets a DSN naming the alias, scrubbed of the real recipient', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    relay.sink.rcpt = (rcpt) =>
      rcpt === 'owner@bluekettle.example'
        ? { code: 550, message: '5.1.1 <owner@bluekettle.example>: Recipient address rejected: User unknown in virtual mailbox table at mx1.bluekettle.example [81.2.69.142]' }
        : null;
    const c = await relay.client();
    expect((await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias, subject: 'Where is my kettle?' }))).end?.code).toBe(250);

    const [dsn] = await relay.sink.waitFor(1);
    expect(dsn!.from).toBe('');
    expect(dsn!.to).toEqual([BUYER]);
    const text = dsn!.raw.toString();
    expect(text).toMatch(/Final-Recipient: rfc822; ?/i);
    expect(text).toContain(sellerAlias);
    expect(text).toMatch(/Status: 5\.1\.1/);
    for (const leak of ['owner@', 'bluekettle', '81.2.69.142']) expect(text, leak).not.toContain(leak);
    const mail = await simpleParser(dsn!.raw);
    expect(mail.from?.value[0]?.address).toBe('mailer-daemon@relay.test');
    expect(String(mail.headers.get('content-type') ? (mail.headers.get('content-type') as { value: string }).value : '')).toBe('multipart/report');
    expect(text).toContain('Where is my kettle?');
  });

  it('when an auto-reply bounces, then no DSN is sent (no bounce loops)', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    relay.sink.rcpt = () => ({ code: 550, message: '5.1.1 user unknown' });
    const c = await relay.client();
    const autoReply = simpleMessage({ from: BUYER, to: sellerAlias, subject: 'Out of office', headers: ['Auto-Submitted: auto-replied'] });
    expect((await c.transaction(BUYER, [sellerAlias], autoReply)).end?.code).toBe(250);
    const deadline = Date.now() + 10_000;
    while (relay.parley.spool.depth() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(relay.parley.spool.depth()).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(relay.sink.received).toHaveLength(0);
  });

  it('when a message is accepted, then whom to tell of a late bounce is already stored, and a null-sender message stores nothing', async () => {
    // The far end is down: nothing is delivered, so the record can only come from acceptance.
    const relay = await startRelay({ overrides: { outbound: { target: `smtp://127.0.0.1:${await freePort()}` } } });
    const { sellerAlias } = await relay.seed();
    const c = await relay.client();
    const queued = async (from: string) => {
      const res = await c.transaction(from, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
      expect(res.end?.code).toBe(250);
      return /queued as (\S+)/.exec(res.end!.text)![1]!;
    };
    const withSender = await queued(BUYER);
    const nullSender = await queued('');
    expect(relay.parley.spool.depth()).toBe(2);
    const record = await relay.parley.store.bounces.getBounceRecord(withSender);
    expect(record?.notifySealed).toMatch(/^v1\./);
    // Sealed: the sender's address is not readable in the store.
    expect(JSON.stringify(record)).not.toContain('jiwoo');
    expect(await relay.parley.store.bounces.getBounceRecord(nullSender)).toBeNull();
  });

  it('when a bounce arrives at our VERP address after delivery, then the sender gets a DSN; a forged one is refused', async () => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const c = await relay.client();
    await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
    const [delivered] = await relay.sink.waitFor(1);
    const verp = delivered!.from;

    const forged = verp.replace(/\.[a-z2-7]{20}@/, '.aaaaaaaaaaaaaaaaaaaa@');
    await c.command('MAIL FROM:<>');
    expect(await c.command(`RCPT TO:<${forged}>`)).toMatchObject({ code: 550, text: expect.stringMatching(/^5\.1\.1 /) });
    await c.command('RSET');

    const bounce = [
      'From: Mail Delivery System <MAILER-DAEMON@mx1.bluekettle.example>',
      `To: ${verp}`,
      'Subject: Undelivered Mail Returned to Sender',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'The mailbox owner@bluekettle.example is full.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx1.bluekettle.example',
      '',
      'Final-Recipient: rfc822; owner@bluekettle.example',
      'Action: failed',
      'Status: 5.2.2',
      'Diagnostic-Code: smtp; 552 5.2.2 <owner@bluekettle.example> mailbox full',
      '',
      '--b1--',
      '',
    ].join('\r\n');
    const res = await c.transaction('', [verp], bounce);
    expect(res.end?.code, res.end?.text).toBe(250);
    const messages = await relay.sink.waitFor(2);
    const dsn = messages[1]!;
    expect(dsn.to).toEqual([BUYER]);
    expect(dsn.raw.toString()).toMatch(/Status: 5\.2\.2/);
    expect(dsn.raw.toString()).toContain(sellerAlias);
    expect(dsn.raw.toString()).not.toContain('bluekettle');
  });

  // A file where a directory should be: every write fails, as on a full or broken disk (root ignores chmod).
  // Small mail goes to the spool's journal (in the spool directory itself), large mail to files via tmp/.
  it.each([
    { kind: 'a small message (the journal)', body: undefined, broken: '.' },
    { kind: 'a message over 256 KB (a file of its own)', body: `${'Please ship my order soon, thank you kindly.'.repeat(2)}\r\n`.repeat(3500), broken: 'tmp' },
  ])('when the spool cannot be written, then $kind gets 452 4.3.1 and is accepted again once it can', async ({ body, broken }) => {
    const relay = await startRelay();
    const { sellerAlias } = await relay.seed();
    const dir = join(relay.config.dataDir, 'spool', 'w0', broken);
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'not a directory');
    const c = await relay.client();
    const send = () => c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias, ...(body ? { body } : {}) }));
    expect((await send()).end).toMatchObject({ code: 452, text: expect.stringMatching(/^4\.3\.1 /) });
    rmSync(dir);
    mkdirSync(dir);
    expect((await send()).end?.code).toBe(250);
    await relay.sink.waitFor(1);
  });
});
