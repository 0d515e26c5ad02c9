import { ParleyError } from '../../domain/errors.js';
import { queueIdRe } from '../../outbound/queued-message.js';
import { AUDIT_ACTIONS, type AuditEntry } from '../../quarantine/audit-entry.js';
import { QUARANTINE_STATUSES, type QuarantineRecord, type QuarantineView } from '../../quarantine/quarantine-record.js';
import { DEFAULT_PAGE, MAX_PAGE } from '../../quarantine/quarantine-service.js';

/**
 * JSON shapes of the quarantine and audit API (they validate input and document /openapi.json), and the
 * functions that turn stored values into them: instants become ISO strings, as elsewhere in the API.
 */

/** Quarantine ids are the queue ids of the transactions policy stopped. */
export const quarantineId = { type: 'string', pattern: queueIdRe.source } as const;
/** Rule ids as config/policy.yaml allows them (see policy-schema.ts). */
export const ruleId = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$' } as const;
/** Query strings are not coerced (ajv coerceTypes is off): limit is digits, checked against MAX_PAGE by the route. */
export const limitParam = { type: 'string', pattern: '^[0-9]{1,4}$', description: 'Items per page, 1 to 200 (default 50).' } as const;
/** Cursors are short opaque strings; a bound keeps garbage out of the store's parser. */
export const cursorParam = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page.' } as const;

/** Query limits are strings (no coercion); the range is checked here so the error names the query field. */
export function pageLimit(limit: string | undefined): number {
  const n = limit === undefined ? DEFAULT_PAGE : Number(limit);
  if (n < 1 || n > MAX_PAGE) throw new ParleyError('bad_request', `querystring/limit must be 1 to ${MAX_PAGE}`, { field: 'querystring/limit' });
  return n;
}

const instant = { type: 'string', format: 'date-time' } as const;

const actorBody = {
  type: 'object',
  properties: {
    role: { type: 'string', enum: ['admin', 'reviewer', 'system'] },
    name: { type: 'string', description: 'From the X-Reviewer header; for system, what acted (policy, retention).' },
  },
  required: ['role'],
} as const;

const recordProperties = {
  id: quarantineId,
  status: { type: 'string', enum: QUARANTINE_STATUSES },
  pairId: { type: 'string' },
  direction: { type: 'string', enum: ['seller_to_buyer', 'buyer_to_seller'] },
  sellerId: { type: 'string' },
  senderId: { type: 'string' },
  recipientId: { type: 'string' },
  rules: { type: 'array', items: { type: 'string' }, description: 'Ids of the policy rules that matched.' },
  findingCount: { type: 'integer' },
  attachmentCount: { type: 'integer' },
  rawSize: { type: 'integer', description: 'Bytes of the original message.' },
  createdAt: instant,
  decision: {
    type: 'object',
    description: 'The last status change: a release, a reject, or a return to held after a failed release or notice.',
    properties: {
      status: { type: 'string', enum: QUARANTINE_STATUSES },
      by: actorBody,
      at: instant,
      reason: { type: 'string' },
      mask: { type: 'boolean', description: 'Releases: whether findings were masked on delivery.' },
    },
    required: ['status', 'by', 'at'],
  },
} as const;
const recordRequired = ['id', 'status', 'pairId', 'direction', 'sellerId', 'senderId', 'recipientId', 'rules', 'findingCount', 'attachmentCount', 'rawSize', 'createdAt'];

export const recordBody = { type: 'object', properties: recordProperties, required: recordRequired } as const;

export const pageBody = {
  type: 'object',
  properties: {
    items: { type: 'array', items: recordBody },
    nextCursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null when nothing older matches.' },
  },
  required: ['items', 'nextCursor'],
} as const;

const findingBody = {
  type: 'object',
  properties: {
    ruleId: { type: 'string' },
    detector: { type: 'string' },
    kind: { type: 'string' },
    action: { type: 'string' },
    part: { type: 'string', description: 'subject, text, html, display-name[i], attachment[i], attachment-name[i], header:<name>, message' },
    start: { type: 'integer' },
    end: { type: 'integer' },
    match: { type: 'string' },
    obfuscated: { type: 'boolean' },
    replacement: { type: 'string' },
    detail: { type: 'string' },
    escalated: { type: 'string' },
    context: {
      type: 'object',
      description: 'The match with the text around it, for highlighting.',
      properties: { before: { type: 'string' }, match: { type: 'string' }, after: { type: 'string' } },
      required: ['before', 'match', 'after'],
    },
  },
  required: ['ruleId', 'detector', 'kind', 'action', 'part', 'start', 'end', 'match', 'context'],
} as const;

export const viewBody = {
  type: 'object',
  properties: {
    ...recordProperties,
    findings: { type: 'array', items: findingBody },
    subject: { type: 'string' },
    renderedText: { type: 'string', description: 'The message as text (HTML rendered), as policy scanned it.' },
    attachments: {
      type: 'array',
      items: { type: 'object', properties: { filename: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } }, required: ['contentType', 'size'] },
    },
  },
  required: [...recordRequired, 'findings', 'subject', 'renderedText', 'attachments'],
} as const;

export const auditEntryBody = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    at: instant,
    actor: actorBody,
    action: { type: 'string', enum: AUDIT_ACTIONS },
    quarantineId: { type: 'string' },
    reason: { type: 'string' },
    detail: { type: 'object', additionalProperties: true },
  },
  required: ['id', 'at', 'actor', 'action'],
} as const;

const iso = (ms: number): string => new Date(ms).toISOString();

export function toRecordBody(record: QuarantineRecord) {
  const { decision, createdAt, ...rest } = record;
  return { ...rest, createdAt: iso(createdAt), ...(decision ? { decision: { ...decision, at: iso(decision.at) } } : {}) };
}

export function toViewBody(view: QuarantineView) {
  return { ...view, ...toRecordBody(view) };
}

export function toAuditBody(entry: AuditEntry) {
  return { ...entry, at: iso(entry.at) };
}
