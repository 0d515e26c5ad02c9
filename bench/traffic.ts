// Who writes to whom. Parties and pairs are registered through the admin API, as a marketplace would; each
// message then goes from one side of a random pair to the other side's alias, with the real sender as both
// envelope sender and header From (the relay checks both). Every sending party has limits in the relay — a
// per-party message rate, the seller's daily cap, the bulk-mail count — so each party sends only a bounded
// number of messages per run and the source picks another pair after that: the bench measures accepted,
// delivered mail, never refusals or holds.
import type { Job } from './load.js';
import { messageFactory, type BuiltMessage, type MessageSpec, type SizeClass } from './messages.js';
import type { ParleyHandle } from './processes.js';

export interface Pair {
  buyer: { id: string; name: string; address: string };
  seller: { id: string; name: string; address: string };
  buyerAlias: string;
  sellerAlias: string;
}

/**
 * Messages per sending party per run: below the per-party rate (300 an hour by default), the seller's daily
 * cap (600) and where the bulk-mail rule starts to see near-duplicates among random bodies (about 640 for one
 * seller in a day, measured with order-talk.ts against config/policy.yaml).
 */
const SENDER_BUDGET = 250;
/** Random pairs to try before concluding that every party has used its budget. */
const MAX_PICKS = 10_000;
const WEBMAIL = ['gmail.example', 'naver.example', 'daum.example', 'kakao.example', 'outlook.example', 'yahoo.example', 'nate.example', 'icloud.example'];
const BUYER_NAMES = ['Jiwoo Kim', '이서연', 'Emma Park', '박민준', 'Daniel Lee', '최지아', 'Sophie Choi', '정하준'];
/** Parallel registrations: quick setup without turning registration into a load test of the API. */
const REGISTER_CONCURRENCY = 8;

/** Base-26 letters: tokens and ids without digits, which a content policy could read as phone numbers. */
export function letters(n: number, width = 4): string {
  let s = '';
  for (let v = n; v > 0 || s.length < width; v = Math.floor(v / 26)) s = String.fromCharCode(97 + (v % 26)) + s;
  return s;
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: REGISTER_CONCURRENCY }, worker));
}

/** `sellers` sellers and as many buyers; buyer i orders from seller i and seller i+1: 2 × sellers pairs. */
export async function registerPairs(parley: ParleyHandle, sellers: number, runTag: string): Promise<Pair[]> {
  const put = async (id: string, body: unknown) => {
    const res = await parley.api('PUT', `/v1/parties/${id}`, body);
    if (res.status >= 300) throw new Error(`PUT /v1/parties/${id}: ${res.status} ${JSON.stringify(res.json)}`);
  };
  const indices = Array.from({ length: sellers }, (_, i) => i);
  const buyers = indices.map((i) => ({ id: `buyer-${i}`, name: BUYER_NAMES[i % BUYER_NAMES.length]!, address: `shopper.${letters(i)}@${WEBMAIL[i % WEBMAIL.length]}` }));
  const shops = indices.map((i) => ({ id: `seller-${i}`, name: `Shop ${letters(i)}`, address: `orders@shop-${letters(i)}.example` }));
  await inParallel(indices, async (i) => {
    await put(buyers[i]!.id, { role: 'buyer', name: buyers[i]!.name, emails: [buyers[i]!.address] });
    await put(shops[i]!.id, { role: 'seller', name: shops[i]!.name, emails: [shops[i]!.address] });
  });
  const placedAt = new Date(Date.now() - 86_400_000).toISOString();
  const pairs: Pair[] = [];
  const orders = indices.flatMap((i) => [
    [i, i],
    [i, (i + 1) % sellers],
  ]);
  await inParallel(orders, async ([b, s]) => {
    const res = await parley.api('POST', '/v1/orders', { orderId: `order-${runTag}-${b}-${s}`, buyerId: `buyer-${b}`, sellerId: `seller-${s}`, placedAt });
    if (res.status >= 300) throw new Error(`POST /v1/orders: ${res.status} ${JSON.stringify(res.json)}`);
    const { buyerAlias, sellerAlias } = res.json as { buyerAlias: string; sellerAlias: string };
    pairs.push({ buyer: buyers[b!]!, seller: shops[s!]!, buyerAlias, sellerAlias });
  });
  return pairs;
}

/** What the orchestrator remembers of each message it sent. */
export interface Sent {
  system: string;
  cell: string;
  token: string;
  direction: 'buyer_to_seller' | 'seller_to_buyer';
  /** Set once its transaction ended: whether it got the 250, and the final reply (with the queue id). */
  accepted?: boolean;
  reply?: string;
}

/** Makes the jobs of every cell; one instance per run so tokens and seller budgets span the whole run. */
export class Traffic {
  private count = 0;
  private readonly factories = new Map<SizeClass, (spec: MessageSpec) => BuiltMessage>();
  /** Messages offered to Parley per sending party (refused ones included: they counted in the relay's limits). */
  private readonly senderUse = new Map<string, number>();
  readonly sent = new Map<string, Sent>();

  constructor(
    private readonly pairs: Pair[],
    private readonly runTag: string,
    private readonly koreanShare: number,
    private readonly rand: () => number,
  ) {}

  /** A job source for one cell run on one system. */
  source(system: string, cell: string, size: SizeClass): () => Job {
    let build = this.factories.get(size);
    if (!build) this.factories.set(size, (build = messageFactory(size)));
    const make = build;
    return () => {
      const token = `bench-${this.runTag}-${letters(this.count++)}`;
      let pair: Pair;
      let toBuyer: boolean;
      for (let picks = 0; ; picks++) {
        if (picks === MAX_PICKS) throw new Error(`every party has sent ${SENDER_BUDGET} messages: run with more --sellers`);
        pair = this.pairs[Math.floor(this.rand() * this.pairs.length)]!;
        toBuyer = this.rand() < 0.5;
        // Only Parley enforces per-party limits; the other systems take any mix.
        if (system !== 'parley' && system !== 'single') break;
        const sender = toBuyer ? pair.seller.id : pair.buyer.id;
        const used = this.senderUse.get(sender) ?? 0;
        if (used < SENDER_BUDGET) {
          this.senderUse.set(sender, used + 1);
          break;
        }
      }
      const from = toBuyer ? pair.seller : pair.buyer;
      const to = toBuyer ? pair.buyerAlias : pair.sellerAlias;
      const message = make({ token, from, to, korean: this.rand() < this.koreanShare, rand: this.rand });
      this.sent.set(token, { system, cell, token, direction: toBuyer ? 'seller_to_buyer' : 'buyer_to_seller' });
      return { token, mailFrom: from.address, rcptTo: to, chunks: message.chunks, bytes: message.bytes };
    };
  }
}
