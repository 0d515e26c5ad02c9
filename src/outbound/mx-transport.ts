import type { Logger } from '../observability/logger.js';
import { PooledSender, type Envelope, type SmtpTimeouts } from './pooled-sender.js';
import { destinationOf } from './queued-message.js';
import type { DeliveryResult } from './smtp-reply.js';

export interface MxRecord {
  exchange: string;
  priority: number;
}

export type MxResolver = (domain: string) => Promise<MxRecord[]>;

export type MxRoute = { kind: 'hosts'; hosts: string[] } | Exclude<DeliveryResult, { kind: 'delivered' }>;

/** A domain listing dozens of MX hosts that black-hole connections would hold a worker slot for dozens of timeouts. */
const MAX_MX_HOSTS = 5;
/** One pool per MX host; past this many the least recently used is closed, bounding sockets and memory. */
const MAX_POOLS = 100;

/**
 * Where mail for a domain goes (RFC 5321 5.1): its MX hosts by preference, else the domain itself (its address
 * records), and nowhere when it publishes a null MX (RFC 7505). A domain that does not exist (NXDOMAIN) fails
 * at once, since DNS answered authoritatively; any other lookup trouble is temporary.
 */
export async function lookupMxHosts(domain: string, resolveMx: MxResolver): Promise<MxRoute> {
  let records: MxRecord[];
  try {
    records = await resolveMx(domain);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENODATA') records = [];
    else if (code === 'ENOTFOUND') return { kind: 'permanent', code: 550, enhanced: '5.1.2', diagnostic: 'recipient domain does not exist' };
    // The domain name stays out of the text: diagnostics end up in DSNs to the other party.
    else return { kind: 'temporary', enhanced: '4.4.3', diagnostic: `MX lookup failed (${code ?? 'error'})` };
  }
  if (records.length === 0) return { kind: 'hosts', hosts: [domain] };
  const usable = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
  if (usable.length === 0) return { kind: 'permanent', code: 556, enhanced: '5.1.10', diagnostic: 'recipient domain does not accept mail (null MX)' };
  // Equal preferences are tried in random order, as RFC 5321 5.1 asks, so one host of a set does not take all load.
  const hosts = usable
    .map((r) => ({ host: r.exchange.replace(/\.$/, '').toLowerCase(), priority: r.priority, tie: Math.random() }))
    .sort((a, b) => a.priority - b.priority || a.tie - b.tie)
    .map((r) => r.host);
  return { kind: 'hosts', hosts: [...new Set(hosts)].slice(0, MAX_MX_HOSTS) };
}

export interface MxTransportOptions {
  heloName: string;
  logger: Logger;
  resolveMx: MxResolver;
  port: number;
  perHostConnections: number;
  timeouts: SmtpTimeouts;
}

/** Direct delivery to each recipient domain's MX hosts, one connection pool per host. */
export class MxTransport {
  private readonly pools = new Map<string, PooledSender>();

  constructor(private readonly options: MxTransportOptions) {}

  async send(envelope: Envelope, raw: Buffer, options: { signal?: AbortSignal; logger?: Logger } = {}): Promise<DeliveryResult> {
    const log = options.logger ?? this.options.logger;
    const route = await lookupMxHosts(destinationOf(envelope.to), this.options.resolveMx);
    if (route.kind !== 'hosts') return route;
    let last: DeliveryResult | undefined;
    for (const host of route.hosts) {
      const result = await this.pool(host).send(envelope, raw, options.signal);
      log.debug({ mxHost: host, kind: result.kind, code: 'code' in result ? result.code : undefined }, 'mx attempt');
      // A host we could not talk to (no reply, or 421 closing) sends us to the next one; any other reply,
      // even a 4xx, is the domain's answer for now.
      if (result.kind === 'delivered') return result;
      const answered = { ...result, remoteHost: host };
      const unreachable = result.kind === 'temporary' && (result.code === undefined || result.code === 421);
      if (!unreachable || options.signal?.aborted) return answered;
      last = answered;
    }
    return last!;
  }

  async close(): Promise<void> {
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  private pool(host: string): PooledSender {
    const existing = this.pools.get(host);
    if (existing) {
      // Re-insert to keep the map in least-recently-used order.
      this.pools.delete(host);
      this.pools.set(host, existing);
      return existing;
    }
    const pool = new PooledSender({
      host,
      port: this.options.port,
      name: this.options.heloName,
      secure: false,
      // Opportunistic STARTTLS (RFC 7435): encrypt whenever offered, against passive eavesdropping. MX
      // certificates often do not match the MX name and MTAs deliver anyway, so verifying would bounce
      // legitimate mail; if the upgrade itself fails we continue in clear text rather than not at all.
      // Enforced TLS (MTA-STS, DANE) is not implemented.
      opportunisticTLS: true,
      tls: { rejectUnauthorized: false },
      maxConnections: this.options.perHostConnections,
      connectionTimeout: this.options.timeouts.connection,
      greetingTimeout: this.options.timeouts.greeting,
      socketTimeout: this.options.timeouts.socket,
    });
    this.pools.set(host, pool);
    if (this.pools.size > MAX_POOLS) {
      const [oldest, old] = this.pools.entries().next().value as [string, PooledSender];
      this.pools.delete(oldest);
      old.close();
    }
    return pool;
  }
}
