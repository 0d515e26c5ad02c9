import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { describe, expect, it } from 'vitest';
import { dnsZone } from '../helpers/dns-zone.js';
import { relayDkimRecords, simpleMessage, startRelay, type TestRelay } from '../helpers/parley.js';

const ALLOWED = new Set([
  'received',
  'authentication-results',
  'dkim-signature',
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'auto-submitted',
]);

function headerNames(raw: Buffer): string[] {
  const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
  return head
    .split('\r\n')
    .filter((l) => /^[^\s]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
}

async function send(relay: TestRelay, from: string, to: string, message: string) {
  const c = await relay.client();
  const res = await c.transaction(from, [to], message);
  expect(res.end?.code, res.end?.text).toBe(250);
  c.close();
  return res.end!;
}

for (const store of ['embedded', 'redis'] as const) {
  describe(`relay end to end on ${store}`, () => {
    it('when the buyer writes to the seller alias, then the seller gets exactly the allowed headers, signed, with nothing of the buyer', async () => {
      const relay = await startRelay({ store });
      const { buyerAlias, sellerAlias } = await relay.seed();
      const end = await send(
        relay,
        'jiwoo.kim@gmail.example',
        sellerAlias,
        simpleMessage({
          from: 'Jiwoo Kim <jiwoo.kim@gmail.example>',
          to: `Blue Kettle <${sellerAlias}>`,
          subject: '배송 문의 / shipping question',
          messageId: '<CAF-original-1@mail.gmail.example>',
          headers: ['X-Originating-IP: [81.2.69.142]', 'User-Agent: Evil/1.0 (host.internal.example)', 'Reply-To: other@gmail.example', 'Cc: friend@family.example'],
        }),
      );
      expect(end.text).toMatch(/^2\.6\.0 Ok: queued as [a-z2-7]{24}$/);

      const [delivered] = await relay.sink.waitFor(1);
      expect(delivered!.to).toEqual(['owner@bluekettle.example']);
      expect(delivered!.from).toMatch(/^bounce\+[a-z2-7]{24}\.[a-z2-7]{7}\.[a-z2-7]{20}@relay\.test$/);
      for (const name of headerNames(delivered!.raw)) expect(ALLOWED, name).toContain(name);

      const mail = await simpleParser(delivered!.raw);
      expect(mail.from?.value).toEqual([{ name: 'Jiwoo', address: buyerAlias }]);
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.value : []).toEqual([{ name: '', address: 'owner@bluekettle.example' }]);
      expect(mail.subject).toBe('배송 문의 / shipping question');
      expect(mail.headers.get('date')).toEqual(new Date('2026-11-23T09:12:31Z'));
      expect(delivered!.raw.toString()).toMatch(/^Date: Mon, 23 Nov 2026 09:12:31 \+0000\r$/m);
      expect(mail.messageId).toMatch(/^<[a-z2-7]{24}@relay\.test>$/);
      expect(mail.text?.trim()).toBe('Hello, when will my order ship?');

      const text = delivered!.raw.toString('latin1');
      for (const leak of ['jiwoo.kim', 'gmail.example', 'Jiwoo Kim', '127.0.0.1', 'client.example', '81.2.69.142', 'internal.example', 'CAF-original-1', 'family.example']) {
        expect(text, leak).not.toContain(leak);
      }
      const received = mail.headers.get('received');
      expect(received).toMatch(/^by relay\.test \(parley-[0-9a-f]{12}\) with ESMTP id [a-z2-7]{24};/);
      expect(String(mail.headers.get('authentication-results'))).toMatch(/^relay\.test;/);

      // Signed and spooled bytes are what arrives: CRLF line ends only, nothing for a transport to rewrite.
      expect(delivered!.raw.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const verified = await dkimVerify(delivered!.raw, { resolver: dnsZone(relayDkimRecords()) as never });
      expect(verified.results.map((r) => [r.signingDomain, r.status.result])).toEqual([['relay.test', 'pass']]);
    });

    it('when buyer and seller reply to each other, then each client sees its own ids and threads stay intact', async () => {
      const relay = await startRelay({ store });
      const { buyerAlias, sellerAlias } = await relay.seed();

      // 1. Buyer asks. The seller sees the relay's id R1, not the buyer's.
      await send(relay, 'jiwoo.kim@gmail.example', sellerAlias, simpleMessage({ from: 'jiwoo.kim@gmail.example', to: sellerAlias, messageId: '<buyer-1@mail.gmail.example>' }));
      const m1 = await simpleParser((await relay.sink.waitFor(1))[0]!.raw);
      const r1 = m1.messageId!;
      expect(r1).not.toContain('gmail');

      // 2. Seller replies from a team address to R1. The buyer's client sees its own id in In-Reply-To.
      await send(
        relay,
        'cs@bluekettle.example',
        buyerAlias,
        simpleMessage({ from: 'CS <cs@bluekettle.example>', to: buyerAlias, messageId: '<seller-1@outlook.example>', headers: [`In-Reply-To: ${r1}`, `References: ${r1}`] }),
      );
      const m2 = await simpleParser((await relay.sink.waitFor(2))[1]!.raw);
      expect(m2.from?.value[0]).toEqual({ name: 'Blue Kettle Store', address: sellerAlias });
      expect(m2.inReplyTo).toBe('<buyer-1@mail.gmail.example>');
      expect(m2.references).toBe('<buyer-1@mail.gmail.example>');
      const r2 = m2.messageId!;

      // 3. Buyer replies to R2, with their own earlier id in References. The seller sees their id and R1.
      await send(
        relay,
        'jiwoo.kim@gmail.example',
        sellerAlias,
        simpleMessage({
          from: 'jiwoo.kim@gmail.example',
          to: sellerAlias,
          messageId: '<buyer-2@mail.gmail.example>',
          headers: [`In-Reply-To: ${r2}`, `References: <buyer-1@mail.gmail.example> ${r2} <unknown@elsewhere.example>`],
        }),
      );
      const m3 = await simpleParser((await relay.sink.waitFor(3))[2]!.raw);
      expect(m3.inReplyTo).toBe('<seller-1@outlook.example>');
      expect(m3.references).toEqual([r1, '<seller-1@outlook.example>']);
      expect((await relay.sink.waitFor(3))[2]!.raw.toString()).not.toContain('elsewhere.example');
    });
  });
}
