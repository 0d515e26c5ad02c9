import type { SMTPServer } from 'smtp-server';
import { ParleyError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';

type SMTPConnection = SMTPServer['connections'] extends Set<infer C> ? C : never;

/** An Error as smtp-server expects it: `responseCode` sets the reply code. */
export type SmtpError = Error & { responseCode: number };

const ENHANCED_PREFIX = /^([245]\.\d{1,3}\.\d{1,3}) /;

/**
 * The one place where faults become SMTP replies. Known faults carry their reply in the error catalog;
 * anything unexpected is a local problem the client may retry (451 4.3.0) — never a 5xx, which would
 * make the sender's server give up on a message we might have accepted a minute later.
 */
export function toSmtpError(err: unknown, log: Logger): SmtpError {
  if (err instanceof ParleyError && err.smtp) {
    const text = err.smtpText ?? err.smtp.text;
    if (err.smtp.code === 451 || err.smtp.code === 452) log.warn({ code: err.code, detail: err.message }, 'temporary failure');
    return Object.assign(new Error(`${err.smtp.enhanced} ${text}`), { responseCode: err.smtp.code });
  }
  log.error({ err }, 'unexpected failure in SMTP transaction');
  return Object.assign(new Error('4.3.0 Temporary local problem, please try again later'), { responseCode: 451 });
}

/**
 * smtp-server derives enhanced status codes from the basic code alone (every 550 becomes 5.1.1), which
 * would report "relaying denied" as "no such user". Our replies carry their own enhanced code in front
 * of the text; this makes the connection send exactly that one instead of adding a derived second one.
 */
export function useOwnEnhancedCodes(connection: SMTPConnection): void {
  const send = connection.send.bind(connection);
  connection.send = (code: number, data?: string | string[] | null, context?: string | false) => {
    if (code >= 400 && typeof data === 'string' && ENHANCED_PREFIX.test(data)) return send(code, data, false);
    return send(code, data, context);
  };
}
