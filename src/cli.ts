#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { resolveSecrets } from './config/secrets.js';
import { ParleyError } from './domain/errors.js';
import { createDirectory, type Directory } from './directory/services.js';
import { DailyCap } from './limits/daily-cap.js';
import cluster from 'node:cluster';
import { adoptOrphanSpools, clusterGreetPasses, clusterHandoff, clusterMetrics, runPrimary, workerConfig, workerCount, workerIndex } from './cluster.js';
import { startParley } from './main.js';
import { createLogger, type Logger } from './observability/logger.js';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/ports.js';

// The spool fsyncs every accepted message; libuv's default of 4 threads would queue those fsyncs behind each
// other (and behind every other file operation). Set before any file I/O uses the pool; workers inherit it.
process.env.UV_THREADPOOL_SIZE ??= '16';

/** Exit codes are part of the CLI contract: 0 ok, 1 the operation failed, 2 usage or configuration error. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function config(cmd: Command): Config {
  return loadConfig({ file: cmd.optsWithGlobals<{ config?: string }>().config });
}

/** Runs a one-shot command against the configured store with the same services the API uses. */
async function withDirectory<T>(cmd: Command, fn: (d: Directory, env: { config: Config; store: Store; logger: Logger }) => Promise<T>): Promise<void> {
  const cfg = config(cmd);
  // Logs go to stderr so stdout stays pure JSON for scripts.
  const logger = createLogger(cfg.log.level, process.stderr as never);
  const store = openStore(cfg);
  try {
    const result = await fn(createDirectory(cfg, resolveSecrets(cfg, logger), store), { config: cfg, store, logger });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await store.close();
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function buildCli(): Command {
  const program = new Command('parley')
    .description('Parley: anonymizing buyer-seller mail relay')
    .option('-c, --config <file>', 'YAML file laid over config/default.yaml (or PARLEY_CONFIG)')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('serve')
    .description('run the relay: SMTP, delivery and the admin API')
    .action(async (_opts, cmd: Command) => {
      const cfg = config(cmd);
      const logger = createLogger(cfg.log.level);
      if (cluster.isPrimary && workerCount(cfg) > 1) {
        await runPrimary(cfg, logger);
        return;
      }
      // A node that ran more workers before: their spools join this one's before it starts, as runPrimary does.
      if (cluster.isPrimary) adoptOrphanSpools(cfg, 1, logger);
      const worker = cluster.isWorker ? logger.child({ worker: workerIndex() }) : logger;
      const parley = cluster.isWorker
        ? await startParley(workerConfig(cfg), worker, {
            workerIndex: workerIndex(),
            clusterMetrics,
            greetPassShare: clusterGreetPasses,
            handoff: clusterHandoff(workerIndex()),
          })
        : await startParley(cfg, worker);
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        parley.close().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            process.exit(EXIT_FAILURE);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // SIGHUP reloads the content policy, as MTAs reload their configuration.
      process.on('SIGHUP', () => {
        parley.reloadPolicy().catch((err: unknown) => logger.error({ err }, 'policy reload failed'));
      });
    });

  const party = program.command('party').description('marketplace parties');
  party
    .command('put <id>')
    .description('create or replace a party')
    .addOption(new Option('--role <role>', 'buyer or seller').choices(['buyer', 'seller']).makeOptionMandatory())
    .requiredOption('--name <name>', 'public display name (store name, or what the marketplace shows for a buyer)')
    .requiredOption('--email <address>', 'registered real address (repeat for several)', collect)
    .option('--business-buyer', 'the buyer is a business')
    .action((id: string, opts: { role: 'buyer' | 'seller'; name: string; email: string[]; businessBuyer?: boolean }, cmd: Command) =>
      withDirectory(cmd, async (d) => (await d.parties.put({ id, role: opts.role, name: opts.name, emails: opts.email, businessBuyer: opts.businessBuyer })).party),
    );
  party
    .command('show <id>')
    .description('show a party')
    .action((id: string, _opts, cmd: Command) =>
      withDirectory(cmd, async (d) => {
        const found = await d.parties.get(id);
        if (!found) throw new ParleyError('party_not_found', `no party ${id}`);
        return found;
      }),
    );

  program
    .command('order')
    .description('marketplace orders')
    .command('add <orderId>')
    .description('record an order (idempotent); creates the pair and prints its aliases')
    .requiredOption('--buyer <id>', 'buyer party id')
    .requiredOption('--seller <id>', 'seller party id')
    .option('--placed-at <iso>', 'when the order was placed (ISO 8601; default now)')
    .option('--marketplace <name>', 'marketplace the order came from')
    .option('--digital', 'the order is for a digital good')
    .action((orderId: string, opts: { buyer: string; seller: string; placedAt?: string; marketplace?: string; digital?: boolean }, cmd: Command) =>
      withDirectory(cmd, async (d) => {
        const placedAt = opts.placedAt ? Date.parse(opts.placedAt) : Date.now();
        const { pair, created } = await d.orders.record({
          orderId,
          buyerId: opts.buyer,
          sellerId: opts.seller,
          placedAt,
          marketplace: opts.marketplace,
          digital: opts.digital,
        });
        return { orderId, pairId: pair.id, buyerAlias: d.pairs.address(pair.buyerAlias), sellerAlias: d.pairs.address(pair.sellerAlias), created };
      }),
    );

  program
    .command('pair')
    .description('buyer-seller pairs')
    .command('show <buyerId> <sellerId>')
    .description('show the two aliases of a pair')
    .action((buyerId: string, sellerId: string, _opts, cmd: Command) =>
      withDirectory(cmd, async (d) => {
        const pair = await d.pairs.find(buyerId, sellerId);
        if (!pair) throw new ParleyError('pair_not_found');
        return { pairId: pair.id, buyerAlias: d.pairs.address(pair.buyerAlias), sellerAlias: d.pairs.address(pair.sellerAlias) };
      }),
    );

  program
    .command('limits')
    .description("sellers' sending limits")
    .command('show <sellerId>')
    .description("show a seller's daily cap today: window, average daily orders, cap, sent, remaining, reset time")
    .action((sellerId: string, _opts, cmd: Command) =>
      withDirectory(cmd, async (d, { config: cfg, store, logger }) => {
        await d.parties.require(sellerId, 'seller', 'sellerId');
        return DailyCap.fromConfig(cfg.limits, store, Date.now, logger).limits(sellerId);
      }),
    );
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof ParleyError) {
      process.stderr.write(`error: ${err.code}: ${err.message}${err.field ? ` (${err.field})` : ''}\n`);
      return err.code === 'bad_request' ? EXIT_USAGE : EXIT_FAILURE;
    }
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_FAILURE;
  }
}

// `serve` keeps running after parseAsync resolves; one-shot commands exit with their code.
const code = await runCli(process.argv);
if (code !== 0 || !process.argv.includes('serve')) process.exitCode = code;
