import type { Server, Socket } from 'node:net';
import type { Config } from '../../config/schema.js';
import { ParleyError } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { RateCounter } from '../../storage/ports.js';
import { clientKey } from './client-key.js';
import { ClientRates } from './client-rates.js';
import { ConnectionDeadlines, type DeadlineCode } from './connection-deadlines.js';
import { ConnectionIntake, type ConnectionHandoff } from './connection-handoff.js';
import { ConnectionTally } from './connection-tally.js';
import { RcptTarpit } from './rcpt-tarpit.js';

/** What the edge keeps per connection for its limits. */
export interface ConnectionGuard {
  /** IPv4 address or IPv6 /64: the unit of every per-client limit. */
  readonly client: string;
  readonly deadlines: ConnectionDeadlines;
  /** Counted in the concurrency tally, so closing must count it out. */
  admitted: boolean;
  /** No worker of the node had room for it: the greeting is this refusal. */
  refusal?: ParleyError;
  rcptFailures: number;
}

export interface EdgeLimitsDeps {
  limits: Config['limits'];
  rates: RateCounter;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** In a cluster worker: where a connection goes when this worker's share of the connection limits is full. */
  handoff?: ConnectionHandoff;
  onHandoff?: () => void;
}

/**
 * The abuse limits of the SMTP edge, one method per protocol step, so smtp-edge.ts only says where each applies.
 * Per-connection and per-node state lives here in memory; per-client rates live in the shared store.
 */
export class EdgeLimits {
  private readonly tally: ConnectionTally;
  private readonly clientRates: ClientRates;
  private readonly tarpit: RcptTarpit;
  private readonly intake: ConnectionIntake;

  constructor(private readonly deps: EdgeLimitsDeps) {
    const { limits, rates, logger } = deps;
    this.tally = new ConnectionTally(limits);
    this.intake = new ConnectionIntake(this.tally, deps.handoff, deps.onHandoff);
    this.clientRates = new ClientRates(rates, limits, logger);
    this.tarpit = new RcptTarpit(rates, limits, deps.sleep, logger);
  }

  /** Concurrency is counted as sockets are accepted, before smtp-server sees them (see ConnectionIntake). */
  installIntake(server: Server): void {
    this.intake.install(server);
  }

  /** smtp-server made a session of an accepted socket: its deadlines run from now, before the greeting. */
  open(remoteAddress: string, socket: Socket, cut: (code: DeadlineCode) => void): ConnectionGuard {
    const deadlines = new ConnectionDeadlines(this.deps.limits, cut);
    deadlines.watch(socket);
    const intake = this.intake.claim(socket);
    if (!intake) return { client: clientKey(remoteAddress), deadlines, admitted: false, rcptFailures: 0 };
    return { client: intake.client, deadlines, admitted: !intake.refusal, refusal: intake.refusal, rcptFailures: 0 };
  }

  /** Before the greeting: concurrency on the node (421 4.7.0), then the shared connection rate (451 4.7.1). */
  async admit(guard: ConnectionGuard): Promise<void> {
    // Concurrency was counted as the socket was accepted (ConnectionIntake); here only its verdict is given.
    if (guard.refusal) throw guard.refusal;
    await this.clientRates.onConnection(guard.client);
  }

  /** MAIL FROM: the shared message rate of the client (451 4.7.1). */
  startMessage(guard: ConnectionGuard): Promise<void> {
    return this.clientRates.onMessage(guard.client);
  }

  /** RCPT TO, before any lookup: 452 4.5.3 beyond the limit. Repeating an accepted address adds no recipient. */
  checkRecipientCount(accepted: readonly { address: string }[], address: string): void {
    const max = this.deps.limits.maxRecipients;
    if (accepted.length < max) return;
    const repeat = address.toLowerCase();
    if (accepted.some((r) => r.address.toLowerCase() === repeat)) return;
    throw new ParleyError('too_many_recipients', `more than ${max} recipients`);
  }

  /** A RCPT was refused: slow the reply down, or replace it with 421 4.7.0 once the client has guessed enough. */
  recipientRefused(guard: ConnectionGuard, fault: unknown): Promise<void> {
    return this.tarpit.refused(fault, guard, guard.client);
  }

  close(guard: ConnectionGuard): void {
    guard.deadlines.stop();
    if (guard.admitted) this.tally.release(guard.client);
    guard.admitted = false;
  }
}
