/**
 * The one catalog of faults: a stable code, the HTTP status and, where the fault can happen inside an
 * SMTP transaction, the reply it maps to. Policy decisions are values (verdicts), not errors.
 */
export interface SmtpReply {
  code: number;
  enhanced: string;
  text: string;
}

interface CatalogEntry {
  http: number;
  message: string;
  smtp?: SmtpReply;
}

export const errorCatalog = {
  bad_request: { http: 400, message: 'invalid request' },
  unauthorized: { http: 401, message: 'missing or invalid bearer token' },
  forbidden: { http: 403, message: 'this token may not do that' },
  not_found: { http: 404, message: 'no such resource' },
  party_not_found: { http: 404, message: 'no such party' },
  pair_not_found: { http: 404, message: 'no order links these parties' },
  role_conflict: { http: 409, message: 'the party exists with another role' },
  order_conflict: { http: 409, message: 'this order id was recorded with different parties' },
  quarantine_not_found: { http: 404, message: 'no such quarantined message' },
  already_decided: { http: 409, message: 'this message was already released or rejected' },
  internal: { http: 500, message: 'internal error' },
  store_unavailable: {
    http: 503,
    message: 'the store is unreachable',
    smtp: { code: 451, enhanced: '4.3.0', text: 'Temporary local problem, please try again later' },
  },
  spool_unavailable: {
    http: 503,
    message: 'the spool cannot be written',
    smtp: { code: 452, enhanced: '4.3.1', text: 'Insufficient system storage, please try again later' },
  },
  // Faults inside an SMTP transaction; their replies are the contract black-box tests check.
  unknown_alias: { http: 404, message: 'no such alias', smtp: { code: 550, enhanced: '5.1.1', text: 'No such recipient here' } },
  relay_denied: {
    http: 403,
    message: 'relaying denied',
    smtp: { code: 550, enhanced: '5.7.1', text: 'Relaying denied: this server only accepts mail for its own aliases' },
  },
  sender_not_allowed: {
    http: 403,
    message: 'sender may not write to this alias',
    smtp: { code: 550, enhanced: '5.7.1', text: 'This address may not write to this recipient' },
  },
  sender_unauthenticated: {
    http: 403,
    message: 'sender authentication failed',
    smtp: { code: 550, enhanced: '5.7.1', text: 'We could not verify that this message really comes from its sender' },
  },
  other_pair: {
    http: 409,
    message: 'recipient belongs to another conversation',
    smtp: { code: 452, enhanced: '4.5.3', text: 'Too many recipients for this transaction; send to this one separately' },
  },
  sender_auth_temporary: {
    http: 503,
    message: 'sender authentication could not be completed',
    smtp: { code: 451, enhanced: '4.7.0', text: 'We could not verify the sender right now (DNS trouble); please try again later' },
  },
  too_many_recipients: {
    http: 400,
    message: 'too many recipients',
    smtp: { code: 452, enhanced: '4.5.3', text: 'Too many recipients for one message; send to the others in another transaction' },
  },
  bad_line_endings: {
    http: 400,
    message: 'bare CR, bare LF or NUL in message',
    smtp: { code: 550, enhanced: '5.6.0', text: 'Message contains bare CR, bare LF or NUL characters; lines must end with CRLF' },
  },
  message_too_big: {
    http: 413,
    message: 'message too big',
    smtp: { code: 552, enhanced: '5.3.4', text: 'Message size exceeds the fixed maximum message size' },
  },
  mail_loop: { http: 400, message: 'mail loop', smtp: { code: 554, enhanced: '5.4.6', text: 'Routing loop detected' } },
  bad_message: { http: 400, message: 'malformed message', smtp: { code: 550, enhanced: '5.6.0', text: 'Malformed message' } },
  policy_rejected: { http: 403, message: 'refused by content policy', smtp: { code: 550, enhanced: '5.7.1', text: 'Message refused by the marketplace content policy' } },
  daily_cap_reached: { http: 429, message: 'daily message limit reached', smtp: { code: 550, enhanced: '5.4.5', text: 'Daily message limit reached' } },
  daily_cap_reached_temporary: {
    http: 429,
    message: 'daily message limit reached',
    smtp: { code: 452, enhanced: '4.5.3', text: 'Daily message limit reached' },
  },
  // Abuse limits at the SMTP edge (src/inbound/limits). 421 closes the connection. A 451 rate refusal replaces
  // "later" with the window's end ("…; try again in 37 seconds", see rate-refusal.ts), so queues wait the right time.
  connection_limit: {
    http: 503,
    message: 'too many connections in total',
    smtp: { code: 421, enhanced: '4.7.0', text: 'Too many connections, please try again later' },
  },
  client_connection_limit: {
    http: 429,
    message: 'too many concurrent connections from one client network',
    smtp: { code: 421, enhanced: '4.7.0', text: 'Too many connections from your network, please try again later' },
  },
  connection_rate_limited: {
    http: 429,
    message: 'connection rate of one client network exceeded',
    smtp: { code: 451, enhanced: '4.7.1', text: 'Too many connections from your network; try again later' },
  },
  message_rate_limited: {
    http: 429,
    message: 'message rate of one client network exceeded',
    smtp: { code: 451, enhanced: '4.7.1', text: 'Too many messages from your network; try again later' },
  },
  party_rate_limited: {
    http: 429,
    message: 'message rate of one sending party exceeded',
    smtp: { code: 451, enhanced: '4.7.1', text: 'Too many messages from this sender; try again later' },
  },
  too_many_invalid_recipients: {
    http: 429,
    message: 'too many refused recipients',
    smtp: { code: 421, enhanced: '4.7.0', text: 'Too many invalid recipients, closing connection' },
  },
  header_too_big: {
    http: 413,
    message: 'message header section too large',
    smtp: { code: 552, enhanced: '5.3.4', text: 'Message header section is too large' },
  },
  line_too_long: {
    http: 400,
    message: 'message line too long',
    smtp: { code: 554, enhanced: '5.6.0', text: 'Message has a line longer than 998 characters; lines must be at most 998 characters plus CRLF' },
  },
  too_many_mime_parts: {
    http: 400,
    message: 'too many MIME parts',
    smtp: { code: 554, enhanced: '5.6.0', text: 'Message has too many MIME parts' },
  },
  mime_too_deep: {
    http: 400,
    message: 'MIME structure nested too deeply',
    smtp: { code: 554, enhanced: '5.6.0', text: 'Message MIME structure is nested too deeply' },
  },
  command_timeout: {
    http: 408,
    message: 'command not completed in time',
    smtp: { code: 421, enhanced: '4.4.2', text: 'Command not completed in time, closing connection' },
  },
  data_timeout: {
    http: 408,
    message: 'message data not completed in time',
    smtp: { code: 421, enhanced: '4.4.2', text: 'Message not received in time, closing connection' },
  },
  session_timeout: {
    http: 408,
    message: 'SMTP session lasted too long',
    smtp: { code: 421, enhanced: '4.4.2', text: 'Session time limit reached, closing connection; please reconnect' },
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly smtp: SmtpReply | undefined;
  /** For bad input: the field at fault, so the caller can fix exactly that. */
  readonly field: string | undefined;
  /** Replaces the catalog's SMTP text when the reply must carry specifics (e.g. "610 of 610; resets at …"). */
  readonly smtpText: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; field?: string; smtpText?: string }) {
    const entry: CatalogEntry = errorCatalog[code];
    super(detail ?? entry.message, options);
    this.name = 'ParleyError';
    this.code = code;
    this.httpStatus = entry.http;
    this.smtp = entry.smtp;
    this.field = options?.field;
    this.smtpText = options?.smtpText;
  }
}

export function isParleyError(err: unknown, code?: ErrorCode): err is ParleyError {
  return err instanceof ParleyError && (code === undefined || err.code === code);
}
