import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * Prometheus scrape endpoint. Public like /healthz: the admin API listens on an internal address, and the
 * metrics carry only closed label sets (verdicts, reply codes, rule ids), never a party or an address.
 */
export function metricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
}
