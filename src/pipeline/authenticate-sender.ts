import { authenticate, type AuthenticateResult } from 'mailauth';
import { ParleyError } from '../domain/errors.js';

/** Same contract as dns.promises.resolve; injected so tests answer from a declarative zone. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export type SenderAuthMode = 'enforce' | 'record' | 'off';

export interface SenderAuthInput {
  raw: Buffer;
  clientIp: string;
  helo: string;
  envelopeFrom: string;
  fromDomain: string;
}

export interface SenderAuthResult {
  /** pass: proven; fail: proven wrong or unproven; none: not checked (mode off). */
  verdict: 'pass' | 'fail' | 'none';
  spf: string;
  dkim: string;
  dmarc: string;
  /** Why it passed or failed, in words a sender understands; never contains an address. */
  reason: string;
}

/**
 * A registered address in From proves nothing (it is trivially forged), so the sender must also be
 * authenticated: DMARC pass; or, for From domains without a DMARC record, DKIM aligned with the From
 * domain or SPF pass for this exact envelope. In `enforce` mode a failure refuses the message.
 */
export async function authenticateSender(input: SenderAuthInput, opts: { mode: SenderAuthMode; resolver: DnsResolver; mta: string }): Promise<SenderAuthResult> {
  if (opts.mode === 'off') return { verdict: 'none', spf: 'none', dkim: 'none', dmarc: 'none', reason: 'sender authentication is off' };

  const result: AuthenticateResult = await authenticate(input.raw, {
    ip: input.clientIp,
    helo: input.helo,
    sender: input.envelopeFrom,
    mta: opts.mta,
    resolver: opts.resolver as never,
    disableArc: true,
    disableBimi: true,
  });
  const spf = result.spf ? result.spf.status.result : 'none';
  const dkimResults = result.dkim?.results ?? [];
  const dkim = dkimResults.find((r) => r.status.result === 'pass')?.status.result ?? dkimResults[0]?.status.result ?? 'none';
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
  const base = { spf, dkim, dmarc };

  const alignedDkim = dkimResults.some((r) => r.status.result === 'pass' && aligned(r.signingDomain, input.fromDomain));
  const envelopeDomain = input.envelopeFrom.split('@')[1]?.toLowerCase() ?? '';
  const spfForEnvelope = spf === 'pass' && aligned(envelopeDomain, input.fromDomain);

  let outcome: SenderAuthResult;
  if (dmarc === 'pass') outcome = { verdict: 'pass', ...base, reason: 'DMARC passed' };
  else if (dmarc === 'none' && alignedDkim) outcome = { verdict: 'pass', ...base, reason: 'DKIM signature of the sender domain verified' };
  else if (dmarc === 'none' && spfForEnvelope) outcome = { verdict: 'pass', ...base, reason: 'SPF passed for the sender domain' };
  else if ([dmarc, spf, dkim].some((r) => r === 'temperror' || r === 'temperr')) {
    // A DNS hiccup is not proof of forgery: ask the client to retry rather than refuse for good.
    if (opts.mode === 'enforce') throw new ParleyError('sender_auth_temporary');
    outcome = { verdict: 'fail', ...base, reason: 'authentication could not be completed (DNS trouble)' };
  } else {
    outcome = {
      verdict: 'fail',
      ...base,
      reason: dmarc === 'fail' ? "the sender domain's DMARC policy does not accept this message" : 'no valid DKIM signature or SPF record vouches for the sender domain',
    };
  }
  return outcome;
}

/** Relaxed alignment (RFC 7489 §3.1): same domain or one a subdomain of the other. */
function aligned(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y || x.endsWith(`.${y}`) || y.endsWith(`.${x}`);
}
