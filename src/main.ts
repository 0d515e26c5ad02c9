import type { FastifyInstance } from 'fastify';
import { buildAdminServer } from './admin/server.js';
import type { Config } from './config/schema.js';
import { resolveSecrets, type Secrets } from './config/secrets.js';
import { createDirectory, type Directory } from './directory/services.js';
import type { Logger } from './observability/logger.js';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/ports.js';

export interface RunningParley {
  config: Config;
  secrets: Secrets;
  store: Store;
  directory: Directory;
  api: FastifyInstance;
  apiPort: number;
  close(): Promise<void>;
}

/**
 * The composition root: build adapters from config, wire services, start listeners. Everything is
 * passed in from here; no module reads config or opens connections on its own.
 */
export async function startParley(config: Config, logger: Logger, now: () => number = Date.now): Promise<RunningParley> {
  const secrets = resolveSecrets(config, logger);
  const store = openStore(config, logger);
  const directory = createDirectory(config, secrets, store, now);
  const api = await buildAdminServer({
    directory,
    store,
    tokens: { admin: secrets.adminToken, reviewer: secrets.reviewerToken },
    logger,
  });
  await api.listen({ host: config.api.host, port: config.api.port });
  const address = api.server.address();
  const apiPort = typeof address === 'object' && address ? address.port : config.api.port;
  logger.info({ store: store.kind, domain: config.domain, api: `${config.api.host}:${apiPort}` }, 'parley started');

  let closing: Promise<void> | undefined;
  return {
    config,
    secrets,
    store,
    directory,
    api,
    apiPort,
    close() {
      // Stop taking work first, then release the store the work depends on.
      closing ??= (async () => {
        await api.close();
        await store.close();
        logger.info('parley stopped');
      })();
      return closing;
    },
  };
}
