/** How the workers of one node tell each other of passes: a client's connections reach any worker, not one. */
export interface GreetPassShare {
  publish(client: string): void;
  subscribe(onPass: (client: string) => void): void;
}

/**
 * smtp-server holds every greeting back 100 ms and drops a client that talks before it ("421 You talk too
 * soon"): spamware that does not wait for the greeting gives itself away. Like Postfix's postscreen (its
 * pregreet test and postscreen_greet_ttl), a client that waited and went on to start a transaction has passed;
 * it is greeted at once for the next `ttlSeconds`, then tested again. Mail from the big mailbox providers comes
 * from a few addresses over and over, so most connections skip the pause; a new client never does.
 *
 * In memory, per node (a worker's passes reach the others through the primary): a pass is cheap to earn
 * again, and checking a shared store would cost a round trip on every connection to save a 100 ms wait.
 */
export class GreetPassList {
  /** Client key → when its pass ends (ms). A Map iterates in insertion order: the first entry is the oldest. */
  private readonly passed = new Map<string, number>();

  private readonly maxClients: number;
  private readonly now: () => number;
  private readonly share?: GreetPassShare;

  constructor(
    private readonly ttlSeconds: number,
    options: {
      /** Bounds memory under a flood of distinct clients; the oldest passes go first. */
      maxClients?: number;
      now?: () => number;
      share?: GreetPassShare;
    } = {},
  ) {
    this.maxClients = options.maxClients ?? 100_000;
    this.now = options.now ?? Date.now;
    this.share = options.share;
    this.share?.subscribe((client) => this.record(client));
  }

  has(client: string): boolean {
    const until = this.passed.get(client);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.passed.delete(client);
    return false;
  }

  /** Called only for a connection that waited for its greeting: a pass is earned by waiting, not renewed by skipping. */
  pass(client: string): void {
    if (this.ttlSeconds <= 0) return;
    this.record(client);
    this.share?.publish(client);
  }

  private record(client: string): void {
    this.passed.delete(client);
    this.passed.set(client, this.now() + this.ttlSeconds * 1000);
    if (this.passed.size > this.maxClients) this.passed.delete(this.passed.keys().next().value!);
  }

  get size(): number {
    return this.passed.size;
  }
}
