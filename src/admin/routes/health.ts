import type { FastifyInstance } from 'fastify';
import type { Store } from '../../storage/ports.js';

export function healthRoutes(app: FastifyInstance, store: Store): void {
  const status = { type: 'object', properties: { status: { type: 'string' }, store: { type: 'string' } } } as const;

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Process is up', response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Store is reachable', response: { 200: status, 503: status } } },
    async (_req, reply) => {
      try {
        await store.ping();
        return { status: 'ready', store: store.kind };
      } catch {
        return reply.status(503).send({ status: 'unavailable', store: store.kind });
      }
    },
  );
}
