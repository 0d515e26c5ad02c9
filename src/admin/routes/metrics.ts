import type { FastifyInstance } from 'fastify';

/**
 * Prometheus scrape endpoint. Public like /healthz: the admin API listens on an internal address, and the
 * metrics carry only closed label sets (verdicts, reply codes, rule ids), never a party or an address.
 * With several workers, `collect` gathers the whole node's numbers through the primary.
 */
export function metricsRoute(app: FastifyInstance, collect: () => Promise<string>, contentType: string): void {
  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    const body = await collect();
    return reply.type(contentType).send(body);
  });
}
