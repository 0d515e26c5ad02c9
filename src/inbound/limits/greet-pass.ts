/**
 * smtp-server holds every greeting back 100 ms and drops a client that talks before it ("421 You talk too
 * soon"): spamware that does not wait for the greeting gives itself away. Like Postfix's postscreen (its
 * pregreet test and postscreen_greet_ttl), a client that waited and went on to start a transaction has passed;
 * it is greeted at once for the next `ttlSeconds`, then tested again. Mail from the big mailbox providers comes
 * from a few addresses over and over, so most connections skip the pause; a new client never does.
 *
 * In memory, per process: a pass is cheap to earn again, and checking a shared store would cost a round trip
 * on every connection to save a 100 ms wait.
 */
export class GreetPassList {
  /** Client key → when its pass ends (ms). A Map iterates in insertion order: the first entry is the oldest. */
  private readonly passed = new Map<string, number>();

  constructor(
    private readonly ttlSeconds: number,
    /** Bounds memory under a flood of distinct clients; the oldest passes go first. */
    private readonly maxClients = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

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
    this.passed.delete(client);
    this.passed.set(client, this.now() + this.ttlSeconds * 1000);
    if (this.passed.size > this.maxClients) this.passed.delete(this.passed.keys().next().value!);
  }

  get size(): number {
    return this.passed.size;
  }
}
