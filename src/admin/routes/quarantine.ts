import type { FastifyInstance } from 'fastify';
import type { QuarantineStatus } from '../../quarantine/quarantine-record.js';
import { MAX_REASON, type QuarantineService } from '../../quarantine/quarantine-service.js';
import { actorOf } from '../actor.js';
import { cursorParam, limitParam, pageBody, pageLimit, quarantineId, recordBody, ruleId, toRecordBody, toViewBody, viewBody } from './quarantine-schemas.js';
import { errorResponses, partyId } from './schemas.js';

interface ListQuery {
  status?: QuarantineStatus;
  rule?: string;
  sellerId?: string;
  since?: string;
  until?: string;
  cursor?: string;
  limit?: string;
}

const idParams = { type: 'object', properties: { id: quarantineId }, required: ['id'] } as const;
/** X-Reviewer is documented on every route that writes to the audit log. */
const reviewerHeader = {
  type: 'object',
  properties: { 'x-reviewer': { type: 'string', description: 'Name of the person acting, recorded in the audit log (cleaned, at most 100 characters).' } },
} as const;
const reviewers = { roles: ['admin', 'reviewer'] as ('admin' | 'reviewer')[] };

export function quarantineRoutes(app: FastifyInstance, quarantine: QuarantineService): void {
  app.get<{ Querystring: ListQuery }>(
    '/v1/quarantine',
    {
      config: reviewers,
      schema: {
        tags: ['quarantine'],
        summary: 'Quarantined messages, newest first, paged by cursor; filters combine',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: ['held', 'released', 'rejected'] },
            rule: ruleId,
            sellerId: partyId,
            since: { type: 'string', format: 'date-time', description: 'Created at or after this instant.' },
            until: { type: 'string', format: 'date-time', description: 'Created before this instant.' },
            cursor: cursorParam,
            limit: limitParam,
          },
        },
        response: { 200: pageBody, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await quarantine.list(
        {
          status: q.status,
          rule: q.rule,
          sellerId: q.sellerId,
          since: q.since === undefined ? undefined : Date.parse(q.since),
          until: q.until === undefined ? undefined : Date.parse(q.until),
        },
        q.cursor,
        pageLimit(q.limit),
      );
      return { items: page.items.map(toRecordBody), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/quarantine/:id',
    {
      config: reviewers,
      schema: {
        tags: ['quarantine'],
        summary: 'One quarantined message: metadata, findings in context, rendered text, attachment list (audited)',
        params: idParams,
        headers: reviewerHeader,
        response: { 200: viewBody, ...errorResponses },
      },
    },
    async (req, reply) => {
      const view = await quarantine.view(req.params.id, actorOf(req));
      // Message content: no cache along the way may keep it.
      return reply.header('cache-control', 'no-store').send(toViewBody(view));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/quarantine/:id/raw',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['quarantine'],
        summary: 'The original message exactly as received, as message/rfc822 (admin only; audited)',
        params: idParams,
        headers: reviewerHeader,
        response: {
          200: { description: 'The original message', content: { 'message/rfc822': { schema: { type: 'string', format: 'binary' } } } },
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const raw = await quarantine.raw(req.params.id, actorOf(req));
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="${req.params.id}.eml"`)
        .header('cache-control', 'no-store')
        .send(raw);
    },
  );

  app.post<{ Params: { id: string }; Body: { mask?: boolean } | undefined }>(
    '/v1/quarantine/:id/release',
    {
      config: reviewers,
      schema: {
        tags: ['quarantine'],
        summary: 'Release a held message: rewritten, signed and delivered like any message; 409 if already decided',
        params: idParams,
        headers: reviewerHeader,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { mask: { type: 'boolean', description: 'Replace each finding with "[contact details removed]" on delivery.' } },
        },
        response: { 200: recordBody, ...errorResponses },
      },
      // The body is optional (a bare POST releases unmasked), but fastify validates an absent body as not-an-object.
      preValidation: async (req) => {
        req.body ??= {};
      },
    },
    async (req) => toRecordBody(await quarantine.release(req.params.id, actorOf(req), { mask: req.body?.mask ?? false })),
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/v1/quarantine/:id/reject',
    {
      config: reviewers,
      schema: {
        tags: ['quarantine'],
        summary: 'Reject a held message; the sender is told why; 409 if already decided',
        params: idParams,
        headers: reviewerHeader,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { reason: { type: 'string', minLength: 1, maxLength: MAX_REASON, description: 'Sent to the sender: a sentence they understand.' } },
          required: ['reason'],
        },
        response: { 200: recordBody, ...errorResponses },
      },
    },
    async (req) => toRecordBody(await quarantine.reject(req.params.id, actorOf(req), req.body.reason)),
  );
}
