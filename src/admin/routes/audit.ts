import type { FastifyInstance } from 'fastify';
import type { AuditLog } from '../../storage/ports.js';
import { auditEntryBody, cursorParam, limitParam, pageLimit, quarantineId, toAuditBody } from './quarantine-schemas.js';
import { errorResponses } from './schemas.js';

interface AuditQuery {
  cursor?: string;
  limit?: string;
  quarantineId?: string;
}

/** Read-only by design: the audit log has no route (and its port no method) that changes an entry. */
export function auditRoutes(app: FastifyInstance, audit: AuditLog): void {
  app.get<{ Querystring: AuditQuery }>(
    '/v1/audit',
    {
      config: { roles: ['admin', 'reviewer'] },
      schema: {
        tags: ['audit'],
        summary: 'Who viewed or decided what, when and why; newest first, paged by cursor',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { cursor: cursorParam, limit: limitParam, quarantineId: { ...quarantineId, description: "Only this message's entries." } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              items: { type: 'array', items: auditEntryBody },
              nextCursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null at the oldest entry.' },
            },
            required: ['items', 'nextCursor'],
          },
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const page = await audit.list({ cursor: req.query.cursor, limit: pageLimit(req.query.limit), quarantineId: req.query.quarantineId });
      return { items: page.items.map(toAuditBody), nextCursor: page.nextCursor };
    },
  );
}
