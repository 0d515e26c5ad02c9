import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../config/schema.js';
import type { TlsMaterial } from '../config/key-material.js';
import type { Logger } from '../observability/logger.js';
import { newQueueId } from '../outbound/queued-message.js';
import type { RelayPipeline } from '../pipeline/relay-pipeline.js';
import type { Transaction } from '../pipeline/transaction.js';
import { readMessage } from './message-reader.js';
import { toSmtpError, useOwnEnhancedCodes } from './smtp-reply.js';

export interface SmtpEdgeDeps {
  config: Config;
  pipeline: RelayPipeline;
  tls: TlsMaterial;
  loopMarker: string;
  logger: Logger;
}

export interface SmtpEdge {
  listen(): Promise<number>;
  close(): Promise<void>;
}

type Session = SMTPServerSession & { parley?: Transaction };

/** smtp-server hands every connection to connect(); the subclass is the one hook to adjust replies. */
class ParleySmtpServer extends SMTPServer {
  override connect(socket: Socket | TLSSocket, options?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, options);
    let newest;
    for (newest of this.connections);
    if (newest) useOwnEnhancedCodes(newest);
  }
}

/**
 * The SMTP edge: maps protocol callbacks to pipeline calls and faults to replies. It holds no policy of
 * its own; the order of checks lives in RelayPipeline.
 */
export function createSmtpEdge(deps: SmtpEdgeDeps): SmtpEdge {
  const { config, pipeline, logger } = deps;
  const log = logger.child({ component: 'smtp' });
  const hostname = config.hostname ?? config.domain;

  // Each callback is wrapped once here: async/await inside, smtp-server's callback style outside.
  const run = (session: Session, callback: (err?: Error | null, message?: string) => void, fn: () => Promise<string | void>): void => {
    fn().then(
      (message) => callback(null, message ?? undefined),
      (err: unknown) => callback(toSmtpError(err, log.child({ msgId: session.parley?.id }))),
    );
  };

  const endTransaction = (tx: Transaction): void => {
    pipeline.onEnd(tx).catch((err: unknown) => log.error({ err, msgId: tx.id }, 'could not give back a daily-cap unit'));
  };

  const server = new ParleySmtpServer({
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
    logger: false,
    onMailFrom(address, session: Session, callback) {
      // A new MAIL FROM (or RSET before it) ends the previous transaction of this session.
      if (session.parley) endTransaction(session.parley);
      session.parley = {
        id: newQueueId(),
        clientIp: session.remoteAddress,
        helo: session.hostNameAppearsAs,
        tls: session.secure,
        envelopeFrom: address.address,
      };
      callback();
    },
    onRcptTo(address, session: Session, callback) {
      run(session, callback, async () => {
        await pipeline.onRecipient(session.parley!, address.address);
      });
    },
    onData(stream, session: Session, callback) {
      run(session, callback, async () => {
        const tx = session.parley!;
        const { raw } = await readMessage(stream, { maxReceived: 30, loopMarker: deps.loopMarker, maxHeaderBytes: 256 * 1024 });
        await pipeline.onMessage(tx, raw);
        return `Ok: queued as ${tx.id}`;
      });
    },
    onClose(session: Session) {
      if (session.parley) endTransaction(session.parley);
    },
  });
  server.on('error', (err) => log.warn({ err: err.message }, 'smtp connection error'));

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
