import { createHmac } from 'node:crypto';
import type { SenderAuthResult } from './authenticate-sender.js';

/**
 * A stable per-deployment token in our Received header. Seeing it again in an incoming message means
 * the message has looped back to us (554 5.4.6). Keyed, so another deployment cannot forge our loops.
 */
export function loopMarker(key: Buffer, domain: string): string {
  return `parley-${createHmac('sha256', key).update(`loop\0${domain}`).digest('hex').slice(0, 12)}`;
}

export interface TraceInput {
  hostname: string;
  marker: string;
  queueId: string;
  tls: boolean;
  date: Date;
  auth: SenderAuthResult;
}

/**
 * Our own trace headers. They carry no client IP, HELO name, sender domain or real address: only our
 * host name, the queue id, and pass/fail for the alias (not `smtp.mailfrom=<real address>`).
 */
export function traceHeaders(t: TraceInput): string {
  const date = t.date.toUTCString().replace('GMT', '+0000');
  const received = `Received: by ${t.hostname} (${t.marker}) with ${t.tls ? 'ESMTPS' : 'ESMTP'} id ${t.queueId};\r\n ${date}\r\n`;
  // RFC 8601: "none" when nothing was checked; otherwise the method results, for the alias only.
  const results =
    t.auth.verdict === 'none'
      ? `Authentication-Results: ${t.hostname}; none (${t.auth.reason})\r\n`
      : `Authentication-Results: ${t.hostname};\r\n dmarc=${t.auth.dmarc}; dkim=${t.auth.dkim}; spf=${t.auth.spf}` +
        (t.auth.verdict === 'fail' ? ' (recorded, not enforced)\r\n' : '\r\n');
  return received + results;
}
