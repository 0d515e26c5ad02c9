import { isParleyError, ParleyError, type ErrorCode } from '../../domain/errors.js';
import type { Logger } from '../../observability/logger.js';
import type { RateCounter } from '../../storage/ports.js';

export interface TarpitSettings {
  rcptFailuresBeforeDelay: number;
  rcptFailureDelayMs: number;
  rcptFailureMaxDelayMs: number;
  maxRcptFailuresPerConnection: number;
  maxRcptFailuresPerIp: number;
  rcptFailureWindowSeconds: number;
}

/**
 * Refusals that tell a prober something about our aliases: "no such alias", "not ours", and "exists, but not for
 * you". Temporary refusals (another pair, the daily cap, a store outage) are legitimate situations and never count.
 */
const PROBE_ANSWERS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unknown_alias', 'relay_denied', 'sender_not_allowed']);

/** How long the reply to the n-th refused recipient waits: nothing for the free ones, then one step more each time. */
export function tarpitDelayMs(failures: number, s: TarpitSettings): number {
  const over = failures - s.rcptFailuresBeforeDelay;
  return over <= 0 ? 0 : Math.min(s.rcptFailureMaxDelayMs, over * s.rcptFailureDelayMs);
}

/**
 * Makes alias enumeration not pay: each refused recipient past the free ones is answered later than the last,
 * and a client that keeps guessing is disconnected. Counted per connection and, in the shared store, per client
 * key across connections and nodes, so reconnecting starts nothing afresh: the delay follows the larger count.
 */
export class RcptTarpit {
  constructor(
    private readonly rates: RateCounter,
    private readonly settings: TarpitSettings,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /**
   * Called with the fault of a refused RCPT before it is answered. Resolves after the tarpit delay, or throws
   * too_many_invalid_recipients (421 4.7.0, which closes the connection) once a limit is passed.
   */
  async refused(fault: unknown, connection: { rcptFailures: number }, client: string): Promise<void> {
    if (!(fault instanceof ParleyError && PROBE_ANSWERS.has(fault.code))) return;
    const s = this.settings;
    const failures = ++connection.rcptFailures;
    const acrossConnections = await this.countForClient(client);
    if (failures > s.maxRcptFailuresPerConnection || acrossConnections > s.maxRcptFailuresPerIp) {
      this.log.info({ client, failures, acrossConnections }, 'too many refused recipients; disconnecting');
      throw new ParleyError('too_many_invalid_recipients', `${failures} on this connection, ${acrossConnections} from ${client}`);
    }
    const delay = tarpitDelayMs(Math.max(failures, acrossConnections), s);
    if (delay > 0) await this.sleep(delay);
  }

  /** Fails open (0) during a store outage: the per-connection count still holds. */
  private async countForClient(client: string): Promise<number> {
    const s = this.settings;
    try {
      return (await this.rates.hit(`rcpt-fail:${client}`, s.rcptFailureWindowSeconds, s.maxRcptFailuresPerIp)).count;
    } catch (err) {
      if (!isParleyError(err, 'store_unavailable')) throw err;
      this.log.warn({ err: err.message }, 'rate counter unavailable; counting refused recipients per connection only');
      return 0;
    }
  }
}
