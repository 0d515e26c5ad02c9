import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../helpers/env.js';
import { simpleMessage, startRelay } from '../helpers/parley.js';
import { ownRedis } from '../helpers/redis-process.js';

const BUYER = 'jiwoo.kim@gmail.example';

describe('store outage', () => {
  it('when Redis stops mid-run, then transactions get 451 4.3.0 and succeed again once it is back', async () => {
    const redis = await ownRedis(tempDir());
    onTestFinished(() => redis.stop());
    const relay = await startRelay({ store: 'redis', overrides: { redis: { url: redis.url } } });
    const { sellerAlias } = await relay.seed();
    const c = await relay.client();
    expect((await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }))).end?.code).toBe(250);

    await redis.stop();
    await c.command(`MAIL FROM:<${BUYER}>`);
    expect(await c.command(`RCPT TO:<${sellerAlias}>`)).toMatchObject({ code: 451, text: '4.3.0 Temporary local problem, please try again later' });
    await c.command('RSET');
    const ready = await relay.parley.api.inject('/readyz');
    expect(ready.statusCode).toBe(503);

    await redis.start();
    const deadline = Date.now() + 15_000;
    let code = 0;
    while (Date.now() < deadline) {
      const res = await c.transaction(BUYER, [sellerAlias], simpleMessage({ from: BUYER, to: sellerAlias }));
      code = res.end?.code ?? res.rcpt[0]!.code;
      if (code === 250) break;
      expect(code).toBe(451);
      await c.command('RSET');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(code).toBe(250);
    await relay.sink.waitFor(2);
  });
});
