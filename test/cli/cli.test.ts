import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/env.js';

const cliPath = new URL('../../src/cli.ts', import.meta.url).pathname;

function parley(args: string[], env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('parley CLI', () => {
  it('when parties and an order are added, then pair show prints the same aliases the order did', () => {
    const env = { PARLEY_DATA_DIR: tempDir(), PARLEY_DOMAIN: 'relay.test' };
    expect(parley(['party', 'put', 's1', '--role', 'seller', '--name', 'Shop', '--email', 'a@shop.example', '--email', 'b@shop.example'], env).code).toBe(0);
    expect(parley(['party', 'put', 'b1', '--role', 'buyer', '--name', 'Bo', '--email', 'bo@mail.example'], env).code).toBe(0);
    const order = parley(['order', 'add', 'o1', '--buyer', 'b1', '--seller', 's1', '--placed-at', '2026-11-01T00:00:00Z'], env);
    expect(order.code, order.stderr).toBe(0);
    const created = JSON.parse(order.stdout);
    expect(created.buyerAlias).toMatch(/^[a-z2-7]{26}@relay\.test$/);
    const shown = parley(['pair', 'show', 'b1', 's1'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ buyerAlias: created.buyerAlias, sellerAlias: created.sellerAlias });
  });

  it('when a pair does not exist, then exit code 1 and a one-line error', () => {
    const res = parley(['pair', 'show', 'nobody', 'none'], { PARLEY_DATA_DIR: tempDir() });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe('error: pair_not_found: no order links these parties');
  });

  it('when usage is wrong or config is bad, then exit code 2 with a line naming the problem', () => {
    expect(parley(['party', 'put', 'x', '--role', 'king', '--name', 'n', '--email', 'a@b.example'], { PARLEY_DATA_DIR: tempDir() }).code).toBe(2);
    const bad = parley(['pair', 'show', 'a', 'b'], { PARLEY_DATA_DIR: tempDir(), PARLEY_SMTP_PORT: 'abc' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('config: smtp.port (PARLEY_SMTP_PORT): expected an integer, got "abc"');
  });

  it('when --help is asked, then every command is listed and the exit code is 0', () => {
    const res = parley(['--help'], {});
    expect(res.code).toBe(0);
    for (const cmd of ['serve', 'party', 'order', 'pair', 'limits']) expect(res.stdout).toContain(cmd);
  });

  it('when limits show is asked for a seller, then it prints the API\'s JSON under the configured window and zone', () => {
    const env = { PARLEY_DATA_DIR: tempDir(), PARLEY_CAP_WINDOW_DAYS: '20', PARLEY_CAP_TIME_ZONE: 'Asia/Seoul' };
    expect(parley(['party', 'put', 's1', '--role', 'seller', '--name', 'Shop', '--email', 'a@shop.example'], env).code).toBe(0);
    expect(parley(['party', 'put', 'b1', '--role', 'buyer', '--name', 'Bo', '--email', 'bo@mail.example'], env).code).toBe(0);
    // Far from both window edges, so the answer holds whenever the test runs: one order in, one before the window.
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    expect(parley(['order', 'add', 'old', '--buyer', 'b1', '--seller', 's1', '--placed-at', daysAgo(40)], env).code).toBe(0);
    expect(parley(['order', 'add', 'recent', '--buyer', 'b1', '--seller', 's1', '--placed-at', daysAgo(10)], env).code).toBe(0);

    const res = parley(['limits', 'show', 's1'], env);
    expect(res.code, res.stderr).toBe(0);
    const limits = JSON.parse(res.stdout);
    expect(limits).toEqual({ windowDays: 20, averageDailyOrders: 1 / 20, cap: 600, sentToday: 0, remaining: 600, resetsAt: expect.stringMatching(/T15:00:00Z$/) });
    const untilReset = Date.parse(limits.resetsAt) - Date.now();
    expect(untilReset > 0 && untilReset <= 86_400_000).toBe(true);
  });

  it('when limits show names a buyer or nobody, then exit code 2 or 1 with a one-line error', () => {
    const env = { PARLEY_DATA_DIR: tempDir() };
    expect(parley(['party', 'put', 'b1', '--role', 'buyer', '--name', 'Bo', '--email', 'bo@mail.example'], env).code).toBe(0);
    const buyer = parley(['limits', 'show', 'b1'], env);
    expect(buyer.code).toBe(2);
    expect(buyer.stderr.trim()).toBe('error: bad_request: party b1 is a buyer, not a seller (sellerId)');
    const nobody = parley(['limits', 'show', 'ghost'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.trim()).toBe('error: party_not_found: no party ghost (sellerId)');
  });

  it('when serve is started with a bad config, then it exits 2 with one line', () => {
    const res = parley(['serve'], { PARLEY_DATA_DIR: tempDir(), PARLEY_SENDER_AUTH: 'maybe' });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain('senderAuth (PARLEY_SENDER_AUTH)');
  });
});
