import { ParleyError } from '../../domain/errors.js';

export interface ConcurrencyLimits {
  /** Connections open at once on this node. */
  maxConnections: number;
  /** Connections open at once from one client key (IPv4 address or IPv6 /64). */
  maxConnectionsPerIp: number;
}

/**
 * Connections open right now on this node, in total and per client. Concurrency is a property of one process's
 * sockets, so unlike the rates it is counted in memory, not in the shared store.
 */
export class ConnectionTally {
  private total = 0;
  private readonly perClient = new Map<string, number>();

  constructor(private readonly limits: ConcurrencyLimits) {}

  /** Counts the connection in, or throws the 421 that refuses it (and counts nothing). */
  admit(client: string): void {
    if (this.total >= this.limits.maxConnections) throw new ParleyError('connection_limit', `${this.total} connections open`);
    const open = this.perClient.get(client) ?? 0;
    if (open >= this.limits.maxConnectionsPerIp) throw new ParleyError('client_connection_limit', `${open} connections open from ${client}`);
    this.total++;
    this.perClient.set(client, open + 1);
  }

  /** For an admitted connection that closed; the map only holds clients with connections open. */
  release(client: string): void {
    const open = this.perClient.get(client) ?? 0;
    if (open <= 0) return;
    this.total--;
    if (open === 1) this.perClient.delete(client);
    else this.perClient.set(client, open - 1);
  }
}
