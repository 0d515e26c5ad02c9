/**
 * The outcome of one delivery attempt, as the worker acts on it. `remoteHost` names the server that answered,
 * so DSN text can be scrubbed of it even when it is not shaped like a host name.
 */
export type DeliveryResult =
  | { kind: 'delivered'; response: string }
  | { kind: 'temporary'; code?: number; enhanced?: string; diagnostic: string; remoteHost?: string }
  | { kind: 'permanent'; code: number; enhanced?: string; diagnostic: string; remoteHost?: string };

/**
 * Remote replies are untrusted text that we store (encrypted) and quote in DSNs: a hostile server could answer
 * with a megabyte. 1000 characters hold every real diagnostic (they are one SMTP reply, ≤ 512 per line).
 */
const MAX_DIAGNOSTIC = 1000;

interface NodemailerishError {
  code?: string;
  name?: string;
  message?: string;
  response?: string;
  responseCode?: number;
  command?: string;
}

/** RFC 3463 enhanced status code in a reply, preferring the one right after the basic code. */
export function enhancedStatusIn(text: string): string | undefined {
  const leading = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(text);
  return (leading ?? /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text))?.[1];
}

export function clampDiagnostic(text: string): string {
  // Control characters would end up in logs and DSN header fields.
  const flat = text.replace(/\p{Cc}+/gu, ' ').trim();
  return flat.length > MAX_DIAGNOSTIC ? `${flat.slice(0, MAX_DIAGNOSTIC)}…` : flat;
}

/**
 * Maps a failed send to temporary or permanent. Remote 5xx is permanent; 4xx, connection, DNS, TLS and
 * timeouts are temporary. Two exceptions keep our own faults from bouncing the sender's mail:
 * - authentication to the smarthost (EAUTH/ENOAUTH, or 530 "authentication required"), even with a 535: that
 *   is our configuration, and mail should wait in the queue while an operator fixes it;
 * - 503 (bad sequence of commands) says the session was out of step, not that the message was refused.
 */
export function classifySendError(err: unknown): DeliveryResult {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as NodemailerishError;
  const diagnostic = clampDiagnostic(e.response ?? e.message ?? 'unknown error');
  const enhanced = enhancedStatusIn(diagnostic);
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const extra = enhanced ? { enhanced } : {};
  if (e.name === 'AbortError' || e.code === 'EABORT') return { kind: 'temporary', diagnostic: 'delivery attempt abandoned', ...extra };
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || code === 530) return { kind: 'temporary', ...(code ? { code } : {}), diagnostic, ...extra };
  if (e.code === 'EENVELOPE' && e.command === 'API') {
    // nodemailer refused the address before talking to anyone: retrying cannot help.
    return { kind: 'permanent', code: 553, enhanced: '5.1.3', diagnostic };
  }
  if (code !== undefined && code >= 500 && code < 600 && code !== 503) return { kind: 'permanent', code, diagnostic, ...extra };
  return { kind: 'temporary', ...(code !== undefined ? { code } : {}), diagnostic, ...extra };
}
