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
    smtp: { code: 452, enhanced: '4.5.3', text: 'Too many recipients' },
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
  daily_cap_reached: { http: 429, message: 'daily message limit reached', smtp: { code: 550, enhanced: '5.4.5', text: 'Daily message limit reached' } },
  daily_cap_reached_temporary: {
    http: 429,
    message: 'daily message limit reached',
    smtp: { code: 452, enhanced: '4.5.3', text: 'Daily message limit reached' },
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
