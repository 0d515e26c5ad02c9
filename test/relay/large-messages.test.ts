import { createHash, randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { describe, expect, it } from 'vitest';
import { dnsZone } from '../helpers/dns-zone.js';
import { relayDkimRecords, startRelay } from '../helpers/parley.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function withAttachment(from: string, to: string, subject: string, data: Buffer): string {
  const b64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
  return [
    `From: Jiwoo <${from}>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    'Date: Mon, 23 Nov 2026 18:12:31 +0900',
    `Message-ID: <${subject.replace(/\W/g, '')}@client.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Photos of the damaged box attached.',
    '--b1',
    'Content-Type: image/jpeg; name="box.jpg"',
    'Content-Disposition: attachment; filename="box.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    b64.trimEnd(),
    '--b1--',
    '',
  ].join('\r\n');
}

describe('large messages', () => {
  it('when several large messages arrive at once, then each goes through the large-message gate and arrives whole and signed', async () => {
    // 1 MB counts as large here, and one is processed at a time: the three below queue behind each other.
    const relay = await startRelay({ store: 'redis', overrides: { limits: { largeMessageBytes: 1_000_000, largeMessagesAtOnce: 1 } } });
    const { sellerAlias } = await relay.seed();
    const attachments = [0, 1, 2].map(() => randomBytes(1_500_000));
    const sessions = await Promise.all(attachments.map(() => relay.client()));
    const ends = await Promise.all(
      sessions.map((c, i) => c.transaction('jiwoo.kim@gmail.example', [sellerAlias], withAttachment('jiwoo.kim@gmail.example', sellerAlias, `damaged box ${i}`, attachments[i]!))),
    );
    for (const end of ends) expect(end.end?.code, end.end?.text).toBe(250);

    const delivered = await relay.sink.waitFor(3);
    const bySubject = new Map<string, string>();
    for (const d of delivered) {
      const mail = await simpleParser(d.raw);
      expect(mail.attachments).toHaveLength(1);
      bySubject.set(mail.subject ?? '', sha(mail.attachments[0]!.content));
      const verified = await dkimVerify(d.raw, { resolver: dnsZone(relayDkimRecords()) as never });
      expect(verified.results.map((r) => r.status.result)).toEqual(['pass']);
    }
    expect(bySubject).toEqual(new Map(attachments.map((a, i) => [`damaged box ${i}`, sha(a)])));
  });
});
