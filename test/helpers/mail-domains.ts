import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth/lib/dkim/sign.js';
import type { ZoneRecords } from './dns-zone.js';

/** A sending domain of the outside world: its DKIM key and the DNS records that vouch for it. */
export interface SenderDomain {
  domain: string;
  selector: string;
  privateKey: string;
  records: ZoneRecords;
  sign(message: string | Buffer): Promise<Buffer>;
}

export function senderDomain(domain: string, opts: { dmarc?: 'reject' | 'none' | null; spfIp?: string | null } = {}): SenderDomain {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const selector = 'mail';
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const p = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const records: ZoneRecords = { [`${selector}._domainkey.${domain}`]: { TXT: [`v=DKIM1; k=rsa; p=${p}`] } };
  const dmarc = opts.dmarc === undefined ? 'reject' : opts.dmarc;
  if (dmarc) records[`_dmarc.${domain}`] = { TXT: [`v=DMARC1; p=${dmarc}`] };
  const spfIp = opts.spfIp === undefined ? '127.0.0.1' : opts.spfIp;
  records[domain] = { TXT: spfIp ? [`v=spf1 ip4:${spfIp} -all`] : [], A: ['192.0.2.10'] };
  return {
    domain,
    selector,
    privateKey: pem,
    records,
    async sign(message) {
      const buf = Buffer.isBuffer(message) ? message : Buffer.from(message);
      const res = await dkimSign(buf, {
        canonicalization: 'relaxed/relaxed',
        signatureData: [{ signingDomain: domain, selector, privateKey: pem }],
      } as never);
      return Buffer.concat([Buffer.from(res.signatures), buf]);
    },
  };
}
