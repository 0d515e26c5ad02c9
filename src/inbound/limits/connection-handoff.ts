import type { Server, Socket } from 'node:net';
import type { ParleyError } from '../../domain/errors.js';
import { clientKey } from './client-key.js';
import type { ConnectionTally } from './connection-tally.js';

/**
 * How a worker passes on a connection it has no room for: to another worker of the node, through the primary
 * (src/cluster.ts). `tried` lists the workers that had no room for it, the sender included.
 */
export interface ConnectionHandoff {
  readonly self: number;
  pass(socket: Socket, tried: number[]): void;
  /** `last` (the primary's to say): no other worker is left to try; this one answers (with the 421 if it has no room either). */
  receive(onSocket: (socket: Socket, tried: number[], last: boolean) => void): void;
}

/**
 * The workers of a node accept connections from the shared socket themselves (the primary does not deal them
 * out: that cost a trip through the primary per connection), so one worker may take a whole burst from one
 * client. Each worker holds at most its share of the node's connection limits (src/cluster.ts workerConfig), so
 * the node never holds more than its limits; a connection arriving at a worker whose share is full goes to the
 * next worker, and only one that reaches the last worker without room is refused. So a client meets the node's
 * limit, not one worker's share of it, and the common case costs no message between processes.
 *
 * The tally counts a connection from the moment it is accepted (not from smtp-server's onConnect, a tick
 * later): a burst accepted in one go must see its own earlier connections.
 */
export class ConnectionIntake {
  /**
   * Accepted sockets whose SMTP session has not started yet: the client key they count for, and the refusal
   * for one no worker had room for (not counted).
   */
  private readonly waiting = new WeakMap<Socket, Intake>();

  constructor(
    private readonly tally: ConnectionTally,
    private readonly handoff?: ConnectionHandoff,
    private readonly onHandoff?: () => void,
  ) {}

  /**
   * Puts the intake in front of smtp-server's own connection listener (the one net.createServer was given),
   * and takes the sockets other workers pass here.
   */
  install(server: Server): void {
    const listeners = server.listeners('connection') as ((socket: Socket) => void)[];
    if (listeners.length !== 1) throw new Error(`expected one connection listener on the SMTP server, found ${listeners.length}`);
    const [start] = listeners as [(socket: Socket) => void];
    server.removeAllListeners('connection');
    const take = (socket: Socket, tried: number[], last: boolean) => {
      if (this.admit(socket, tried, last)) start.call(server, socket);
    };
    server.on('connection', (socket: Socket) => take(socket, [], false));
    this.handoff?.receive((socket, tried, last) => take(socket, tried, last));
  }

  /** False when the socket went to another worker. */
  private admit(socket: Socket, tried: number[], last: boolean): boolean {
    if (socket.remoteAddress === undefined) return true; // already gone: smtp-server's session closes at once
    const client = clientKey(socket.remoteAddress);
    try {
      this.tally.admit(client);
    } catch (err) {
      if (this.handoff && !last) {
        this.onHandoff?.();
        this.handoff.pass(socket, [...tried, this.handoff.self]);
        return false;
      }
      this.waiting.set(socket, { client, refusal: err as ParleyError });
      return true;
    }
    this.waiting.set(socket, { client });
    // Closed before smtp-server made a session of it: nothing else will count it out.
    socket.once('close', () => {
      if (this.waiting.delete(socket)) this.tally.release(client);
    });
    return true;
  }

  /**
   * The session of this socket starts: from here it counts the connection out when it closes (a STARTTLS
   * socket replaces this one, so its close is the session's to report). Counted in the tally unless it carries
   * a refusal; undefined for a socket that was gone before the intake saw it (not counted).
   */
  claim(socket: Socket): Intake | undefined {
    const intake = this.waiting.get(socket);
    this.waiting.delete(socket);
    return intake;
  }
}

export interface Intake {
  /** The key every per-client limit counts by (clientKey). */
  client: string;
  refusal?: ParleyError;
}
