import { describe, expect, it } from 'vitest';
import { isParleyError } from '../../src/domain/errors.js';
import { authenticateSender } from '../../src/pipeline/authenticate-sender.js';
import { dnsZone } from '../helpers/dns-zone.js';
import { senderDomain } from '../helpers/mail-domains.js';

const message = (from: string) =>
  `From: Seller <${from}>\r\nTo: x@relay.test\r\nSubject: Your order\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@${from.split('@')[1]}>\r\n\r\nHello\r\n`;

const input = (raw: Buffer, from: string, ip = '127.0.0.1') => ({ raw, clientIp: ip, helo: 'client.example', envelopeFrom: from, fromDomain: from.split('@')[1]! });

describe('authenticateSender', () => {
  it('when the message is DKIM-signed by a DMARC domain, then it passes, and the zone was asked for the key', async () => {
    const shop = senderDomain('shop.example');
    const zone = dnsZone(shop.records);
    const res = await authenticateSender(input(await shop.sign(message('owner@shop.example')), 'owner@shop.example', '198.51.100.7'), { mode: 'enforce', resolver: zone, mta: 'relay.test' });
    expect(res).toMatchObject({ verdict: 'pass', dmarc: 'pass', dkim: 'pass' });
    expect(zone.calls).toContainEqual({ name: 'mail._domainkey.shop.example', rrtype: 'TXT' });
  });

  it('when a From is forged (unsigned, from an IP outside SPF) under DMARC p=reject, then it fails with a plain reason', async () => {
    const shop = senderDomain('shop.example');
    const res = await authenticateSender(input(Buffer.from(message('owner@shop.example')), 'owner@shop.example', '203.0.113.66'), { mode: 'enforce', resolver: dnsZone(shop.records), mta: 'relay.test' });
    expect(res.verdict).toBe('fail');
    expect(res.reason).toBe("the sender domain's DMARC policy does not accept this message");
  });

  it('when the domain has no DMARC record, then an SPF pass for the envelope is enough, and nothing at all is not', async () => {
    const shop = senderDomain('nodmarc.example', { dmarc: null });
    const raw = Buffer.from(message('owner@nodmarc.example'));
    const spfOk = await authenticateSender(input(raw, 'owner@nodmarc.example', '127.0.0.1'), { mode: 'enforce', resolver: dnsZone(shop.records), mta: 'relay.test' });
    expect(spfOk).toMatchObject({ verdict: 'pass', spf: 'pass', dmarc: 'none' });
    const none = await authenticateSender(input(raw, 'owner@nodmarc.example', '203.0.113.66'), { mode: 'enforce', resolver: dnsZone(shop.records), mta: 'relay.test' });
    expect(none.verdict).toBe('fail');
  });

  it('when the domain has no DMARC record but the message has an aligned DKIM signature, then it passes', async () => {
    const shop = senderDomain('nodmarc.example', { dmarc: null, spfIp: null });
    const raw = await shop.sign(message('owner@nodmarc.example'));
    const res = await authenticateSender(input(raw, 'owner@nodmarc.example', '203.0.113.66'), { mode: 'enforce', resolver: dnsZone(shop.records), mta: 'relay.test' });
    expect(res).toMatchObject({ verdict: 'pass', dkim: 'pass' });
  });

  it('when DNS fails temporarily in enforce mode, then 451 4.7.0 asks the client to retry', async () => {
    const zone = dnsZone({ 'shop.example': { TEMPFAIL: true }, '_dmarc.shop.example': { TEMPFAIL: true } });
    const err = await authenticateSender(input(Buffer.from(message('owner@shop.example')), 'owner@shop.example'), { mode: 'enforce', resolver: zone, mta: 'relay.test' }).catch((e: unknown) => e);
    expect(isParleyError(err, 'sender_auth_temporary')).toBe(true);
    expect((err as { smtp: { code: number; enhanced: string } }).smtp).toMatchObject({ code: 451, enhanced: '4.7.0' });
  });

  it('when the mode is off, then no DNS query is made', async () => {
    const zone = dnsZone({});
    const res = await authenticateSender(input(Buffer.from(message('a@b.example')), 'a@b.example'), { mode: 'off', resolver: zone, mta: 'relay.test' });
    expect(res.verdict).toBe('none');
    expect(zone.calls).toEqual([]);
  });
});
