import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { describe, expect, it } from 'vitest';
import { dnsZone } from '../../test/helpers/dns-zone.js';
import { DkimSigner } from './sign-message.js';

function keyPair(type: 'rsa' | 'ed25519') {
  const { privateKey, publicKey } = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const p = (type === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
  return { pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), record: `v=DKIM1; k=${type}; p=${p}` };
}

async function verify(signed: Buffer, record: string) {
  const res = await dkimVerify(signed, { resolver: dnsZone({ 'sel._domainkey.relay.test': { TXT: [record] } }) as never });
  return res.results.map((r) => r.status.result);
}

const messages: [string, string][] = [
  ['a plain message', 'From: A <a@relay.test>\r\nTo: b@x.com\r\nSubject: hi\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m@relay.test>\r\n\r\nHello\r\n'],
  ['whitespace runs, trailing blanks and empty lines at the end', 'From: a@relay.test\r\nSubject:   spaced \t out  \r\n\r\nline  with \t runs   \r\n \t \r\nlast\r\n\r\n\r\n'],
  ['a folded header and a multipart body', 'From: a@relay.test\r\nSubject: a long\r\n folded subject\r\nContent-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n'],
  ['an empty body', 'From: a@relay.test\r\nSubject: empty\r\n\r\n'],
  ['a body without a final CRLF', 'From: a@relay.test\r\nSubject: open end\r\n\r\nno newline at the end'],
];

describe('DkimSigner', () => {
  for (const type of ['rsa', 'ed25519'] as const) {
    it.each(messages)(`when ${type} signs %s, then mailauth verifies it`, async (_name, message) => {
      const { pem, record } = keyPair(type);
      const raw = Buffer.from(message, 'latin1');
      const signature = await new DkimSigner('relay.test', 'sel', pem).signature(raw);
      expect(signature).toMatch(new RegExp(`^DKIM-Signature: v=1;\\r\\n a=${type}-sha256;\\r\\n c=relaxed/relaxed;`));
      expect(await verify(Buffer.concat([Buffer.from(signature), raw]), record)).toEqual(['pass']);
    });
  }

  it('when a signed header is changed or the body is altered in transit, then verification fails', async () => {
    const { pem, record } = keyPair('rsa');
    const raw = Buffer.from(messages[0]![1]);
    const signature = Buffer.from(await new DkimSigner('relay.test', 'sel', pem).signature(raw));
    expect(await verify(Buffer.concat([signature, Buffer.from(raw.toString().replace('Subject: hi', 'Subject: HI'))]), record)).toEqual(['fail']);
    expect(await verify(Buffer.concat([signature, Buffer.from(raw.toString().replace('Hello', 'Hullo'))]), record)).not.toEqual(['pass']);
  });

  it('when headers outside the signed list are added in transit, then it still verifies', async () => {
    const { pem, record } = keyPair('rsa');
    const raw = Buffer.from(messages[0]![1]);
    const signature = await new DkimSigner('relay.test', 'sel', pem).signature(raw);
    expect(await verify(Buffer.concat([Buffer.from(`Received: by next.hop\r\n${signature}`), raw]), record)).toEqual(['pass']);
  });
});
