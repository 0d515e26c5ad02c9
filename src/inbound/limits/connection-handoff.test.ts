import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionIntake, type ConnectionHandoff } from './connection-handoff.js';
import { ConnectionTally } from './connection-tally.js';

/**
 * Two "workers" in one process, each a real server on loopback with its own tally, whose handoff calls the
 * other's receiver directly (across processes the primary carries the socket: test/relay/workers.test.ts).
 * Each server's own listener plays smtp-server: it greets with its name, or with the refusal it was given.
 */
class Worker {
  readonly server: Server;
  readonly tally = new ConnectionTally({ maxConnections: 10, maxConnectionsPerIp: 1 });
  readonly intake: ConnectionIntake;
  receiver?: (socket: Socket, tried: number[], last: boolean) => void;
  passed = 0;
  /** Sockets this server accepted itself, to wait for their close on the server's side. */
  readonly accepted: Socket[] = [];
  /** When false, sessions never start: a socket is only ever counted by the intake. */
  startSessions = true;

  constructor(
    readonly index: number,
    peers: Worker[],
  ) {
    const handoff: ConnectionHandoff = {
      self: index,
      // The primary's part: with two workers, the other one is the last left to try.
      pass: (socket, tried) => {
        this.passed++;
        peers.find((w) => w.index !== index)!.receiver!(socket, tried, true);
      },
      receive: (onSocket) => {
        this.receiver = onSocket;
      },
    };
    this.intake = new ConnectionIntake(this.tally, handoff);
    this.server = createServer((socket) => {
      if (!this.startSessions) return;
      const refusal = this.intake.claim(socket)?.refusal;
      socket.end(refusal ? `421 ${refusal.code}\r\n` : `220 w${index}\r\n`);
    });
    this.intake.install(this.server);
    this.server.on('connection', (socket: Socket) => this.accepted.push(socket));
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }
}

const open: Socket[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.destroy();
  await Promise.all(workers.splice(0).map((w) => new Promise((r) => w.server.close(r))));
});

async function pair(): Promise<[Worker, Worker, number]> {
  const a = new Worker(0, workers);
  workers.push(a, new Worker(1, workers));
  const port = await a.listen();
  await workers[1]!.listen();
  return [a, workers[1]!, port];
}

/** Connects and returns the greeting line, keeping the socket open (it holds its place in a tally). */
async function greeting(port: number): Promise<string> {
  const socket = createConnection(port, '127.0.0.1');
  open.push(socket);
  const [data] = (await once(socket, 'data')) as [Buffer];
  return data.toString().trim();
}

describe('ConnectionIntake', () => {
  it('when a worker has no room for a client, then the connection goes to the other worker, and with no room there it is refused', async () => {
    const [a, b, port] = await pair();
    expect(await greeting(port)).toBe('220 w0');
    expect(await greeting(port)).toBe('220 w1');
    expect(a.passed).toBe(1);
    // Both full: passed once more, and the last worker answers with the 421's reason.
    expect(await greeting(port)).toBe('421 client_connection_limit');
    expect([a.passed, b.passed]).toEqual([2, 0]);
  });

  it('when a counted socket closes before its session starts, then it is counted out', async () => {
    const [a, , port] = await pair();
    a.startSessions = false;
    const socket = createConnection(port, '127.0.0.1');
    await once(socket, 'connect');
    await vi.waitFor(() => expect(a.accepted).toHaveLength(1));
    const closed = once(a.accepted[0]!, 'close');
    socket.destroy();
    await closed;
    a.startSessions = true;
    expect(await greeting(port)).toBe('220 w0');
    expect(a.passed).toBe(0);
  });

  it('when the session has claimed its socket, then the socket closing leaves the count to the session', async () => {
    const [a, , port] = await pair();
    const first = createConnection(port, '127.0.0.1');
    await once(first, 'data');
    const closed = once(a.accepted[0]!, 'close');
    first.destroy();
    await closed;
    // Still counted (the session's close would count it out): the next connection goes to the other worker.
    expect(await greeting(port)).toBe('220 w1');
    expect(a.passed).toBe(1);
  });
});
