import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildDsn, parseDsn, type DsnInput } from './dsn.js';

const input: DsnInput = {
  reportingDomain: 'relay.example',
  to: 'ceo.private@hidden-shop.example',
  recipientAlias: 'k5zq3n7vt2xw4y6abcdefghijk@relay.example',
  action: 'failed',
  status: '5.1.1',
  diagnostic: '550 5.1.1 <k5zq3n7vt2xw4y6abcdefghijk@relay.example>: Recipient address rejected: User unknown',
  arrivalDate: Date.UTC(2025, 2, 1, 9, 30),
  subject: '주문 #1042 배송 안내 — your order has shipped',
  messageIdDomain: 'relay.example',
  date: Date.UTC(2025, 2, 1, 9, 31, 5),
};

function statusFields(report: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of report.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const m = /^([\w-]+): (.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!);
  }
  return fields;
}

describe('DSN builder', () => {
  it('when a failure DSN is built, then it is a multipart/report with the RFC 3464 fields, and Final-Recipient is the alias', async () => {
    const raw = buildDsn(input);
    const mail = await simpleParser(raw, { keepDeliveryStatus: true });
    const type = mail.headers.get('content-type') as { value: string; params: Record<string, string> };
    expect(type.value).toBe('multipart/report');
    expect(type.params['report-type']).toBe('delivery-status');
    expect(mail.from?.value[0]).toEqual({ name: 'Mail Delivery System', address: 'mailer-daemon@relay.example' });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe(input.to);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.subject).toBe('Undelivered Mail Returned to Sender');
    expect(mail.messageId).toMatch(/^<[a-z2-7]{26}@relay\.example>$/);
    expect(raw.toString('latin1')).toMatch(/\r\nDate: Sat, 01 Mar 2025 09:31:05 \+0000\r\n/);

    const report = mail.attachments.find((a) => a.contentType === 'message/delivery-status');
    const fields = statusFields(report!.content.toString('utf8'));
    expect(Object.fromEntries(fields)).toMatchObject({
      'Reporting-MTA': 'dns; relay.example',
      'Arrival-Date': 'Sat, 01 Mar 2025 09:30:00 +0000',
      'Final-Recipient': `rfc822; ${input.recipientAlias}`,
      Action: 'failed',
      Status: '5.1.1',
      'Diagnostic-Code': `smtp; ${input.diagnostic}`,
    });

    expect(mail.text).toContain(`Your message to ${input.recipientAlias} could not be delivered`);
    expect(mail.text).toContain('메시지를 전달하지 못했습니다');
    expect(mail.text).toContain(input.subject);
  });

  it('when a DSN is built, then the third part holds only the original subject and nothing names the real recipient', async () => {
    const raw = buildDsn(input);
    const mail = await simpleParser(raw, { keepDeliveryStatus: true });
    const headersPart = mail.attachments.find((a) => a.contentType === 'text/rfc822-headers');
    const lines = headersPart!.content.toString('utf8').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Subject: =\?UTF-8\?B\?/);
    const decoded = await simpleParser(Buffer.from(`${headersPart!.content.toString('utf8')}\r\n`));
    expect(decoded.subject).toBe(input.subject);
    expect(raw.toString('utf8')).not.toMatch(/hidden-shop\.example>?\r\n\r\n|Received:|X-Original/);
  });

  it('when a DSN is built, then every line ends in CRLF and no line is longer than 998 characters', () => {
    const text = buildDsn({ ...input, diagnostic: `550 ${'x'.repeat(2000)} ${'word '.repeat(300)}` }).toString('latin1');
    expect(text).not.toMatch(/[^\r]\n/);
    expect(text).not.toMatch(/\r(?!\n)/);
    expect(text.endsWith('\r\n')).toBe(true);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    const human = /Content-Transfer-Encoding: base64\r\n\r\n([\s\S]*?)\r\n--/.exec(text)![1]!;
    expect(Buffer.from(human.replace(/\r\n/g, ''), 'base64').toString('utf8')).not.toMatch(/[^\r]\n/);
  });

  it('when the subject or diagnostic carry line breaks, then they cannot add header fields', async () => {
    const raw = buildDsn({ ...input, subject: 'hi\r\nBcc: victim@x.example', diagnostic: '550 no\r\nX-Injected: yes' });
    const mail = await simpleParser(raw, { keepDeliveryStatus: true });
    expect(mail.headers.has('bcc')).toBe(false);
    const report = mail.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString('utf8');
    expect(report).not.toMatch(/^X-Injected/m);
    expect(() => buildDsn({ ...input, to: 'a@x.example\r\nBcc: b@y.example' })).toThrow(TypeError);
  });

  it('when a delay notice is built, then Action is delayed, it says until when we retry, and our parser reads it back as not permanent', async () => {
    const raw = buildDsn({ ...input, action: 'delayed', status: '4.4.1', diagnostic: 'connection timed out', willRetryUntil: Date.UTC(2025, 2, 6) });
    const mail = await simpleParser(raw, { keepDeliveryStatus: true });
    expect(mail.subject).toBe('Delayed Mail (still being retried)');
    const report = mail.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString('utf8');
    expect(statusFields(report).get('Will-Retry-Until')).toBe('Thu, 06 Mar 2025 00:00:00 +0000');
    expect(await parseDsn(raw)).toEqual({ action: 'delayed', status: '4.4.1', diagnostic: 'connection timed out', finalRecipient: input.recipientAlias, permanent: false });
  });

  it('when the status is malformed, then a generic one for the action is used', async () => {
    const parsed = await parseDsn(buildDsn({ ...input, status: 'bogus' }));
    expect(parsed?.status).toBe('5.0.0');
  });
});
