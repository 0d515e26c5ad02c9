import { resolve as dnsResolve } from 'node:dns/promises';
import type { FastifyInstance } from 'fastify';
import { buildAdminServer } from './admin/server.js';
import { loadDkimKey, loadTls } from './config/key-material.js';
import { DEFAULT_POLICY_PATH } from './config/load.js';
import type { Config } from './config/schema.js';
import { resolveSecrets, type Secrets } from './config/secrets.js';
import { subkey } from './crypto/keys.js';
import { createDirectory, type Directory } from './directory/services.js';
import { createSmtpEdge } from './inbound/smtp-edge.js';
import { PartyRateLimit } from './inbound/limits/party-rate.js';
import { DailyCap } from './limits/daily-cap.js';
import { LargeMessageGate } from './limits/large-message-gate.js';
import type { Logger } from './observability/logger.js';
import { Metrics } from './observability/metrics.js';
import { spoolDir } from './cluster.js';
import type { Registry } from 'prom-client';
import { DeliveryReports } from './outbound/delivery-reports.js';
import type { ConnectionHandoff } from './inbound/limits/connection-handoff.js';
import type { GreetPassShare } from './inbound/limits/greet-pass.js';
import { DeliveryWorker } from './outbound/delivery-worker.js';
import { retryScheduleFrom } from './outbound/retry-schedule.js';
import { Spool } from './outbound/spool.js';
import { createOutboundTransport, type MxResolver } from './outbound/transport.js';
import { SenderNotices } from './outbound/sender-notices.js';
import { decodeVerp, encodeVerp } from './outbound/verp.js';
import { PolicyHolder, type ReloadResult } from './policy/policy-holder.js';
import { PolicyEngine } from './policy/scan.js';
import type { DnsResolver } from './pipeline/authenticate-sender.js';
import { Forwarder } from './pipeline/forward-message.js';
import { RelayPipeline } from './pipeline/relay-pipeline.js';
import { DkimSigner } from './pipeline/sign-message.js';
import { loopMarker } from './pipeline/trace-headers.js';
import type { MessageQueue } from './pipeline/transaction.js';
import { ThreadTranslator } from './pipeline/translate-thread.js';
import { startPurgeSchedule } from './quarantine/purge-schedule.js';
import { QuarantineSealer } from './quarantine/quarantine-sealer.js';
import { QuarantineService } from './quarantine/quarantine-service.js';
import { openStore } from './storage/open-store.js';
import type { Store } from './storage/ports.js';

/** Outside-world dependencies a deployment takes from the system and tests replace. */
export interface StartOptions {
  now?: () => number;
  /** DNS for sender authentication (SPF/DKIM/DMARC). */
  resolver?: DnsResolver;
  /** MX lookups for direct delivery. */
  resolveMx?: MxResolver;
  /** Port of remote MXs (25; tests point it at a local server). */
  mxPort?: number;
  /** This process's worker index on a multi-worker node (0 otherwise): it owns spool/w<index>. */
  workerIndex?: number;
  /** Set in cluster workers: /metrics then answers for the whole node. */
  clusterMetrics?: (registry: Registry) => () => Promise<string>;
  /** Set in cluster workers: greeting passes reach the other workers. */
  greetPassShare?: GreetPassShare;
  /** Set in cluster workers: connections beyond this worker's share of the limits go to another worker. */
  handoff?: ConnectionHandoff;
}

export interface RunningParley {
  config: Config;
  secrets: Secrets;
  store: Store;
  directory: Directory;
  spool: Spool;
  api: FastifyInstance;
  apiPort: number;
  smtpPort: number;
  /** Re-reads the policy file; a bad file keeps the rules in force (SIGHUP and POST /v1/policy/reload). */
  reloadPolicy(): Promise<ReloadResult>;
  close(): Promise<void>;
}

/** A VERP address outlives the message's queue life by a margin, so late bounces still find their way back. */
const VERP_MARGIN_MS = 7 * 86_400_000;
/** Thread ids are kept about as long as people reply to old order mail. */
const THREAD_TTL_SECONDS = 400 * 86_400;
/** Retention is counted in days: an hourly purge deletes a message at most an hour late. */
const QUARANTINE_PURGE_INTERVAL_MS = 3_600_000;

/**
 * The composition root: build adapters from config, wire the pipeline, start listeners. Everything is passed
 * in from here; no module reads config or opens connections on its own.
 */
export async function startParley(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningParley> {
  const now = options.now ?? Date.now;
  const hostname = config.hostname ?? config.domain;
  const secrets = resolveSecrets(config, logger);
  const store = openStore(config, logger);
  const directory = createDirectory(config, secrets, store, now);
  const tls = await loadTls(config, logger);
  const signer = new DkimSigner(config.domain, config.dkim.selector, loadDkimKey(config, logger));
  const schedule = retryScheduleFrom(config.outbound);
  const dailyCap = new DailyCap({
    store,
    windowDays: config.limits.capWindowDays,
    timeZone: config.limits.capTimeZone,
    reply: config.limits.capReply,
    now,
    leaseSeconds: DailyCap.leaseSecondsFor(config.limits),
    logger,
  });

  const metrics = new Metrics();
  const spool = await Spool.open(spoolDir(config, options.workerIndex ?? 0), subkey(secrets.dataKey, 'spool'), logger, { now });
  const transport = createOutboundTransport({
    target: config.outbound.target,
    heloName: hostname,
    logger,
    maxConnections: config.outbound.concurrency,
    perHostConnections: config.outbound.perDestination,
    resolveMx: options.resolveMx,
    mxPort: options.mxPort,
  });
  // The delivery worker hears of each queued message from the spool itself (onEnqueue).
  const queue: MessageQueue = spool;
  const reports = new DeliveryReports({
    domain: config.domain,
    bounces: store.bounces,
    cipher: directory.cipher,
    signer,
    queue,
    logger,
    now,
    // As long as the message's VERP address is accepted (see verp.encode below): no bounce can use it after.
    bounceRecordTtlSeconds: config.outbound.maxQueueAge + VERP_MARGIN_MS / 1000,
  });
  // Two gates of the same size: receiving never waits for a delivery (which can take minutes when the far end
  // is slow); a large delivery gives way to a large message being received, for a few seconds at most.
  const { largeMessageBytes, largeMessagesAtOnce } = config.limits;
  const largeMessages = new LargeMessageGate(largeMessageBytes, largeMessagesAtOnce);
  const largeDeliveries = new LargeMessageGate(largeMessageBytes, largeMessagesAtOnce, undefined, { gate: largeMessages, maxWaitMs: 5_000 });
  metrics.watchLargeMessages(() => largeMessages.queued() + largeDeliveries.queued());
  const worker = new DeliveryWorker({
    spool,
    largeMessages: largeDeliveries,
    transport,
    schedule,
    concurrency: config.outbound.concurrency,
    perDestination: config.outbound.perDestination,
    logger,
    now,
    onFailed: (msg, failure) => reports.failed(msg, failure),
    observe: (outcome, msg) => {
      metrics.deliveryAttempts.inc({ outcome });
      if (outcome === 'delivered') metrics.deliveryLatency.observe((now() - msg.createdAt) / 1000);
    },
  });
  metrics.watchQueue({ depth: () => spool.depth(), oldestAge: () => spool.oldestAge() });

  const marker = loopMarker(secrets.verpKey, config.domain);
  const policyRules = PolicyHolder.load(config.policy.file ?? DEFAULT_POLICY_PATH);
  const quarantine: QuarantineService = new QuarantineService({
    quarantine: store.quarantine,
    audit: store.audit,
    sealer: new QuarantineSealer(secrets.dataKey),
    // A release re-runs rewrite, signing and delivery; a reject tells the sender.
    deliver: (message, raw, opts) => pipeline.release(message, raw, opts),
    notifySender: (message, reason) => pipeline.notifyRejected(message, reason),
    retentionDays: config.quarantine.retentionDays,
    logger,
    now,
  });
  const pipeline: RelayPipeline = new RelayPipeline({
    config,
    directory,
    memory: largeMessages,
    forwarder: new Forwarder({
      memory: largeMessages,
      threads: new ThreadTranslator(store.threads, directory.cipher, config.domain, THREAD_TTL_SECONDS),
      signer,
      queue,
      verp: { encode: (queueId) => encodeVerp(secrets.verpKey, config.domain, queueId, now() + config.outbound.maxQueueAge * 1000 + VERP_MARGIN_MS) },
      loopMarker: marker,
      hostname,
      now,
      bounces: reports,
    }),
    policy: new PolicyEngine(policyRules, { duplicates: store.duplicates }),
    describeRule: (id) => policyRules.current().rules.find((r) => r.id === id)?.description,
    quarantine,
    notices: new SenderNotices({ domain: config.domain, signer, queue, logger, now }),
    dailyCap,
    partyRate: new PartyRateLimit(store.rates, config.limits),
    resolver: options.resolver ?? ((name, rrtype) => dnsResolve(name, rrtype)),
    decodeBounce: (address) => decodeVerp(secrets.verpKey, config.domain, address, now()),
    acceptBounce: (queueId, raw, log) => reports.bounced(queueId, raw, log),
    metrics,
    logger,
    now,
  });
  const reloadPolicy = async (): Promise<ReloadResult> => {
    const result = await policyRules.reload();
    if (result.ok) logger.info({ rules: result.rules }, 'content policy reloaded');
    else logger.error({ error: result.error }, 'content policy reload refused; the rules in force stay');
    return result;
  };
  const smtp = createSmtpEdge({
    config,
    pipeline,
    tls,
    loopMarker: marker,
    logger,
    rates: store.rates,
    metrics,
    largeMessages,
    greetPassShare: options.greetPassShare,
    handoff: options.handoff,
  });
  const api = await buildAdminServer({
    directory,
    store,
    tokens: { admin: secrets.adminToken, reviewer: secrets.reviewerToken },
    logger,
    dailyCap,
    quarantine,
    reloadPolicy,
    metrics: {
      collect: options.clusterMetrics ? options.clusterMetrics(metrics.registry) : () => metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
    },
  });

  const smtpPort = await smtp.listen();
  await api.listen({ host: config.api.host, port: config.api.port });
  const address = api.server.address();
  const apiPort = typeof address === 'object' && address ? address.port : config.api.port;
  worker.start();
  const stopStoreWatch = metrics.watchStore(() => store.ping());
  const stopPurge = startPurgeSchedule(quarantine, QUARANTINE_PURGE_INTERVAL_MS, logger);
  logger.info({ store: store.kind, domain: config.domain, smtp: `${config.smtp.host}:${smtpPort}`, api: `${config.api.host}:${apiPort}`, queued: spool.depth() }, 'parley started');

  let closing: Promise<void> | undefined;
  return {
    config,
    secrets,
    store,
    directory,
    spool,
    api,
    apiPort,
    smtpPort,
    reloadPolicy,
    close() {
      // Stop taking mail first, then let deliveries settle, then release what they depend on.
      closing ??= (async () => {
        await smtp.close();
        await api.close();
        await worker.stop();
        // Removal records still in memory are written, so a restart does not deliver those messages again.
        spool.close();
        await stopPurge();
        stopStoreWatch();
        await transport.close();
        await store.close();
        logger.info('parley stopped');
      })();
      return closing;
    },
  };
}
