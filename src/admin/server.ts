import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Directory } from '../directory/services.js';
import type { DailyCap } from '../limits/daily-cap.js';
import type { Logger } from '../observability/logger.js';
import type { QuarantineService } from '../quarantine/quarantine-service.js';
import type { Store } from '../storage/ports.js';
import { authorize, type Tokens } from './auth.js';
import { errorHandler } from './error-handler.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { policyRoutes } from './routes/policy.js';
import type { ReloadResult } from '../policy/policy-holder.js';
import { limitsRoutes } from './routes/limits.js';
import { orderRoutes } from './routes/orders.js';
import { pairRoutes } from './routes/pairs.js';
import { partyRoutes } from './routes/parties.js';
import { quarantineRoutes } from './routes/quarantine.js';

export interface AdminDeps {
  directory: Directory;
  store: Store;
  dailyCap: DailyCap;
  tokens: Tokens;
  logger: Logger;
  /** Review routes; the composition root always passes it, tests of other routes may leave it out. */
  quarantine?: QuarantineService;
  /** Policy reload; absent in tests of other routes. */
  reloadPolicy?: () => Promise<ReloadResult>;
  /** The metrics text of this process, or of the whole node when clustered. */
  metrics?: { collect(): Promise<string>; contentType: string };
}

/** Builds the admin HTTP API (not yet listening): fastify, bearer roles, JSON schemas, OpenAPI. */
export async function buildAdminServer(deps: AdminDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger.child({ component: 'admin' }) as FastifyBaseLogger,
    // The API takes small JSON documents; a larger body is a mistake or an attack.
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Parley admin API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ error: 'not_found', message: 'no such route' }));
  app.addHook('onRequest', authorize(deps.tokens));

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  healthRoutes(app, deps.store);
  partyRoutes(app, deps.directory.parties);
  orderRoutes(app, deps.directory.orders, deps.directory.pairs);
  pairRoutes(app, deps.directory.pairs);
  limitsRoutes(app, deps.directory.parties, deps.dailyCap);
  if (deps.quarantine) quarantineRoutes(app, deps.quarantine);
  if (deps.reloadPolicy) policyRoutes(app, deps.reloadPolicy);
  if (deps.metrics) metricsRoute(app, () => deps.metrics!.collect(), deps.metrics.contentType);
  auditRoutes(app, deps.store.audit);
  return app;
}
