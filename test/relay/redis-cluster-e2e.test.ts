import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { tempDir, uniquePrefix } from '../helpers/env.js';
import { sendBurst, sendOne } from '../helpers/mail-burst.js';
import { processEnv, spawnParley } from '../helpers/parley-process.js';
import { startRedisCluster, type LocalCluster } from '../helpers/redis-cluster.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

const SELLER = 'owner@bluekettle.example';
const BUYER = 'jiwoo.kim@gmail.example';

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

describe('two relay nodes on a 3-master Redis Cluster', () => {
  it('when mail goes in through either node, then it is relayed, and N + 25 seller messages across both give exactly N accepted', async () => {
    const sink = new SmtpSink();
    await sink.start();
    try {
      const shared = {
        PARLEY_REDIS_URL: cluster.url,
        PARLEY_REDIS_CLUSTER: 'true',
        PARLEY_REDIS_PREFIX: uniquePrefix(),
        PARLEY_OUTBOUND: `smtp://127.0.0.1:${sink.port}`,
        // The burst below comes from one loopback IP; the edge's per-IP and per-party limits are not under test.
        PARLEY_MAX_CONNECTIONS_PER_IP: '100',
        PARLEY_CONNECTION_RATE_PER_IP: '10000',
        PARLEY_MESSAGE_RATE_PER_IP: '10000',
        PARLEY_MESSAGE_RATE_PER_PARTY: '10000',
      };
      const [a, b] = await Promise.all([spawnParley(processEnv(tempDir(), shared)), spawnParley(processEnv(tempDir(), shared))]);
      await a.api('PUT', '/v1/parties/seller-blue', { role: 'seller', name: 'Blue Kettle Store', emails: [SELLER] });
      await a.api('PUT', '/v1/parties/buyer-jiwoo', { role: 'buyer', name: 'Jiwoo', emails: [BUYER] });
      const order = (await b.api('POST', '/v1/orders', { orderId: 'o1', buyerId: 'buyer-jiwoo', sellerId: 'seller-blue', placedAt: new Date().toISOString() })).json as {
        buyerAlias: string;
        sellerAlias: string;
      };

      expect((await sendOne(a.smtpPort, BUYER, order.sellerAlias, 'Question')).code).toBe(250);
      const first = await simpleParser((await sink.waitFor(1))[0]!.raw);
      expect(first.from?.value[0]?.address).toBe(order.buyerAlias);

      const outcomes = await sendBurst([a.smtpPort, b.smtpPort], SELLER, order.buyerAlias, 625);
      const accepted = outcomes.filter((o) => o.code === 250).length;
      const capped = outcomes.filter((o) => o.code === 550 && o.text.startsWith('5.4.5 Daily message limit reached (600 of 600)')).length;
      expect({ accepted, capped, other: outcomes.length - accepted - capped }).toEqual({ accepted: 600, capped: 25, other: 0 });
      expect(((await a.api('GET', '/v1/sellers/seller-blue/limits')).json as { sentToday: number }).sentToday).toBe(600);
      await sink.waitFor(601, 90_000);
    } finally {
      await sink.stop();
    }
  }, 180_000);
});
