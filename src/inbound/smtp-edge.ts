import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../config/schema.js';
import type { TlsMaterial } from '../config/key-material.js';
import { ParleyError } from '../domain/errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { newQueueId } from '../outbound/queued-message.js';
import type { RelayPipeline } from '../pipeline/relay-pipeline.js';
import type { Transaction } from '../pipeline/transaction.js';
import type { RateCounter } from '../storage/ports.js';
import type { DeadlineCode } from './limits/connection-deadlines.js';
import type { ConnectionHandoff } from './limits/connection-handoff.js';
import { EdgeLimits, type ConnectionGuard } from './limits/edge-limits.js';
import { GreetPassList, type GreetPassShare } from './limits/greet-pass.js';
import { checkMimeStructure } from './limits/mime-structure.js';
import { readMessage } from './message-reader.js';
import type { LargeMessageGate } from '../limits/large-message-gate.js';
import { toSmtpError, useOwnEnhancedCodes } from './smtp-reply.js';

export interface SmtpEdgeDeps {
  config: Config;
  pipeline: RelayPipeline;
  tls: TlsMaterial;
  loopMarker: string;
  logger: Logger;
  /** Shared counters (Store.rates) for the per-client rates and refused-recipient counts. */
  rates: RateCounter;
  /** How the refused-recipient tarpit waits; a timer unless a test records the waits instead. */
  sleep?: (ms: number) => Promise<void>;
  metrics?: Pick<Metrics, 'smtpReplies' | 'acceptLatency' | 'greetings' | 'connectionHandoffs'>;
  /** Set in cluster workers: greeting passes are shared with the node's other workers. */
  greetPassShare?: GreetPassShare;
  /** Set in cluster workers: connections beyond this worker's share of the limits go to another worker. */
  handoff?: ConnectionHandoff;
  /** Large messages are processed a few at a time (memory); small ones pass straight through. */
  largeMessages: Pick<LargeMessageGate, 'run' | 'checkpoint'>;
}

export interface SmtpEdge {
  listen(): Promise<number>;
  close(): Promise<void>;
}

type Session = SMTPServerSession & { parley?: Transaction; guard?: ConnectionGuard; greetedAtOnce?: boolean };
type SMTPConnection = SMTPServer['connections'] extends Set<infer C> ? C : never;

/** smtp-server hands every connection to connect(); the subclass is the one hook to adjust replies and watch sockets. */
class ParleySmtpServer extends SMTPServer {
  constructor(
    options: ConstructorParameters<typeof SMTPServer>[0],
    private readonly adopt: (connection: SMTPConnection, socket: Socket) => void,
  ) {
    super(options);
    this.connections = new ConnectionSet();
  }

  override connect(socket: Socket | TLSSocket, options?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, options);
    const connections = this.connections as ConnectionSet;
    const newest = connections.newest;
    connections.newest = undefined;
    // Gone already (closed while starting): its close was counted without it ever being adopted.
    if (!newest || !connections.has(newest)) return;
    useOwnEnhancedCodes(newest);
    this.adopt(newest, socket);
  }
}

/** smtp-server's set of open connections, remembering the one connect() just added (no walk over all of them). */
class ConnectionSet extends Set<SMTPConnection> {
  newest: SMTPConnection | undefined;

  override add(connection: SMTPConnection): this {
    this.newest = connection;
    return super.add(connection);
  }
}

/**
 * init() (run by connect()) has armed smtp-server's fixed 100 ms timer, which will call connectionReady().
 * Greeting at once means calling it now and making the timer's later call do nothing.
 */
function greetAtOnce(connection: SMTPConnection): void {
  const ready = connection.connectionReady.bind(connection);
  let called = false;
  connection.connectionReady = (next?: () => void) => {
    if (called) return;
    called = true;
    ready(next);
  };
  connection.connectionReady();
}

/** Received headers beyond this mean a loop: RFC 5321 §6.3 suggests 100 hops, and real loops show far fewer. */
const MAX_RECEIVED = 30;

/**
 * The SMTP edge: maps protocol callbacks to pipeline calls and faults to replies. It holds no policy of its own;
 * the order of checks lives in RelayPipeline. The abuse limits (src/inbound/limits) apply here, before the
 * pipeline spends a lookup: connections at the greeting, rates at MAIL, recipient counts and probing at RCPT,
 * size, lines and MIME structure at DATA, and deadlines throughout.
 */
export function createSmtpEdge(deps: SmtpEdgeDeps): SmtpEdge {
  const { config, pipeline, logger } = deps;
  const { limits } = config;
  const log = logger.child({ component: 'smtp' });
  const hostname = config.hostname ?? config.domain;
  const edgeLimits = new EdgeLimits({
    limits,
    rates: deps.rates,
    sleep: deps.sleep ?? ((ms) => sleep(ms)),
    logger: log,
    handoff: deps.handoff,
    onHandoff: () => deps.metrics?.connectionHandoffs.inc(),
  });
  const greetPasses = new GreetPassList(limits.greetPassTtlSeconds, { share: deps.greetPassShare });

  // Each callback is wrapped once here: async/await inside, smtp-server's callback style outside. A deadline
  // holds back while a reply is pending; once it has cut the connection, it is the reason for any later fault.
  const run = (session: Session, callback: (err?: Error | null, message?: string) => void, fn: () => Promise<string | void>): void => {
    const deadlines = session.guard?.deadlines;
    deadlines?.replyPending();
    void fn()
      .then(
        (message) => {
          deps.metrics?.smtpReplies.inc({ code: '250' });
          callback(null, message ?? undefined);
        },
        (err: unknown) => {
          const fault = deadlines?.cutBy ? new ParleyError(deadlines.cutBy) : err;
          const reply = toSmtpError(fault, log.child({ msgId: session.parley?.id }));
          deps.metrics?.smtpReplies.inc({ code: `${reply.responseCode} ${reply.message.split(' ')[0]}` });
          callback(reply);
        },
      )
      .finally(() => deadlines?.replySent());
  };

  const endTransaction = (tx: Transaction): void => {
    pipeline.onEnd(tx).catch((err: unknown) => log.error({ err, msgId: tx.id }, 'could not give back a daily-cap unit'));
  };

  const adopt = (connection: SMTPConnection, socket: Socket): void => {
    const cut = (code: DeadlineCode): void => {
      const reply = toSmtpError(new ParleyError(code), log);
      log.info({ client: guard.client, limit: code }, 'connection cut by deadline');
      // 421 makes smtp-server close the connection once the reply is written.
      connection.send(reply.responseCode, reply.message);
    };
    const guard = edgeLimits.open(connection.remoteAddress, socket, cut);
    const session = connection.session as Session;
    session.guard = guard;
    session.greetedAtOnce = greetPasses.has(guard.client);
    deps.metrics?.greetings.inc({ pause: session.greetedAtOnce ? 'skipped' : 'waited' });
    if (session.greetedAtOnce) greetAtOnce(connection);
  };

  const server = new ParleySmtpServer(
    {
      name: hostname,
      banner: 'Parley ESMTP',
      size: config.smtp.maxMessageSize,
      key: deps.tls.key,
      cert: deps.tls.cert,
      // An MX takes mail from anyone on the internet; there is nothing to log in to.
      authOptional: true,
      disabledCommands: ['AUTH'],
      // We cannot promise RFC 3461 notifications or REQUIRETLS onward, so we do not advertise them.
      hideDSN: true,
      hideREQUIRETLS: true,
      hideENHANCEDSTATUSCODES: false,
      // Reverse DNS of the client is never used (we record no client host) and costs a lookup per connection.
      disableReverseLookup: true,
      // Restarted by every byte; the deadlines in src/inbound/limits bound clients that trickle bytes.
      socketTimeout: limits.idleTimeoutSeconds * 1000,
      logger: false,
      onConnect(session: Session, callback) {
        run(session, callback, async () => {
          await edgeLimits.admit(session.guard!);
        });
      },
      onSecure(socket, session: Session, callback) {
        // smtp-server pipes the TLS socket into its parser inside this callback; watching it after keeps the
        // parser first in line, as on the plain socket. Its bytes are the ones to time from here on.
        callback();
        session.guard?.deadlines.watch(socket);
      },
      onMailFrom(address, session: Session, callback) {
        // A new MAIL FROM (or RSET before it) ends the previous transaction of this session.
        if (session.parley) endTransaction(session.parley);
        session.parley = undefined;
        run(session, callback, async () => {
          await edgeLimits.startMessage(session.guard!);
          // It waited for the greeting (or it would have been dropped) and is sending mail: it passed.
          if (!session.greetedAtOnce) greetPasses.pass(session.guard!.client);
          session.parley = {
            id: newQueueId(),
            clientIp: session.remoteAddress,
            helo: session.hostNameAppearsAs,
            tls: session.secure,
            envelopeFrom: address.address,
          };
        });
      },
      onRcptTo(address, session: Session, callback) {
        run(session, callback, async () => {
          edgeLimits.checkRecipientCount(session.envelope.rcptTo, address.address);
          try {
            await pipeline.onRecipient(session.parley!, address.address);
          } catch (err) {
            await edgeLimits.recipientRefused(session.guard!, err);
            throw err;
          }
        });
      },
      onData(stream, session: Session, callback) {
        run(session, callback, async () => {
          const tx = session.parley!;
          const deadlines = session.guard!.deadlines;
          deadlines.dataStarted();
          // Straight onto the transaction, no local: see Transaction.message.
          tx.message = (
            await readMessage(stream, {
              maxReceived: MAX_RECEIVED,
              loopMarker: deps.loopMarker,
              maxHeaderBytes: limits.maxHeaderBytes,
              maxLineLength: limits.maxLineLength,
            }).finally(() => deadlines.dataEnded())
          ).raw;
          // Before mailparser (in the pipeline) builds a tree of it.
          checkMimeStructure(tx.message, limits);
          const size = tx.message.length;
          // The chunks it was received in are garbage now; freed before the message waits for its turn.
          deps.largeMessages.checkpoint(size);
          const endTimer = deps.metrics?.acceptLatency.startTimer();
          await deps.largeMessages.run(size, () => pipeline.onMessage(tx)).finally(() => endTimer?.());
          return `Ok: queued as ${tx.id}`;
        });
      },
      onClose(session: Session) {
        if (session.parley) endTransaction(session.parley);
        if (session.guard) edgeLimits.close(session.guard);
      },
    },
    adopt,
  );
  server.on('error', (err) => log.warn({ err: err.message }, 'smtp connection error'));
  edgeLimits.installIntake(server.server);

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.server.once('error', reject);
        server.listen(config.smtp.port, config.smtp.host, () => {
          const address = server.server.address();
          resolve(typeof address === 'object' && address ? address.port : config.smtp.port);
        });
      }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
