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
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly smtp: SmtpReply | undefined;
  /** For bad input: the field at fault, so the caller can fix exactly that. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown; field?: string }) {
    const entry: CatalogEntry = errorCatalog[code];
    super(detail ?? entry.message, options);
    this.name = 'ParleyError';
    this.code = code;
    this.httpStatus = entry.http;
    this.smtp = entry.smtp;
    this.field = options?.field;
  }
}

export function isParleyError(err: unknown, code?: ErrorCode): err is ParleyError {
  return err instanceof ParleyError && (code === undefined || err.code === code);
}
