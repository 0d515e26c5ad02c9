import { readdirSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/env.js';
import { simpleMessage } from '../helpers/parley.js';
import { processEnv, SEEDED_BUYER, SEEDED_SELLER, seedPair, spawnParley } from '../helpers/parley-process.js';
import { freePort } from '../helpers/redis-process.js';
import { RawSmtpClient } from '../helpers/smtp-client.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

async function greeted(port: number): Promise<RawSmtpClient> {
  const c = await RawSmtpClient.connect(port);
  await c.read();
  await c.command('EHLO client.example');
  return c;
}

describe('crash recovery', () => {
  it('when the relay is killed with SIGKILL after 250 and before delivery, then the message is delivered after restart', async () => {
    const dataDir = tempDir();
    const farEndPort = await freePort();
    const env = processEnv(dataDir, { PARLEY_OUTBOUND: `smtp://127.0.0.1:${farEndPort}` });
    const first = await spawnParley(env);
    const sellerAlias = await seedPair(first);

    const c = await greeted(first.smtpPort);
    const res = await c.transaction(SEEDED_BUYER, [sellerAlias], simpleMessage({ from: SEEDED_BUYER, to: sellerAlias, subject: 'survives a crash' }));
    expect(res.end?.code).toBe(250);
    // The far end is down, so the message can only be in the spool when we pull the plug.
    await first.kill('SIGKILL');

    const farEnd = new SmtpSink();
    farEnd.port = farEndPort;
    await farEnd.start();
    try {
      await spawnParley(env);
      const [m] = await farEnd.waitFor(1);
      expect(m!.to).toEqual([SEEDED_SELLER]);
      expect(m!.raw.toString()).toContain('Subject: survives a crash');
      await new Promise((r) => setTimeout(r, 500));
      expect(farEnd.received).toHaveLength(1);
    } finally {
      await farEnd.stop();
    }
  });

  it('when the relay is killed with SIGKILL while accepted mail waits in the spool journal, then each message is delivered once after restart and the old segment goes', async () => {
    const dataDir = tempDir();
    const farEndPort = await freePort();
    const env = processEnv(dataDir, { PARLEY_OUTBOUND: `smtp://127.0.0.1:${farEndPort}` });
    // A far end that takes the connection and never greets: each first attempt hangs, so the messages stay in
    // the journal (a failed attempt would move them to files of their own).
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(farEndPort, '127.0.0.1', resolve));
    const first = await spawnParley(env);
    const sellerAlias = await seedPair(first);

    const c = await greeted(first.smtpPort);
    for (let i = 1; i <= 5; i++) {
      const res = await c.transaction(SEEDED_BUYER, [sellerAlias], simpleMessage({ from: SEEDED_BUYER, to: sellerAlias, subject: `journalled ${i}` }));
      expect(res.end?.code).toBe(250);
    }
    const spool = join(dataDir, 'spool', 'w0');
    const before = readdirSync(spool).filter((f) => f.startsWith('journal-'));
    expect(before).toHaveLength(1);
    expect(readdirSync(spool).filter((f) => f.endsWith('.msg'))).toEqual([]);
    await first.kill('SIGKILL');
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));

    const farEnd = new SmtpSink();
    farEnd.port = farEndPort;
    await farEnd.start();
    try {
      await spawnParley(env);
      const received = await farEnd.waitFor(5);
      expect(received.map((m) => /Subject: (journalled \d)/.exec(m.raw.toString())?.[1]).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `journalled ${i}`));
      await vi.waitFor(() => expect(readdirSync(spool)).not.toContain(before[0]), { timeout: 5000 });
      await new Promise((r) => setTimeout(r, 500));
      expect(farEnd.received).toHaveLength(5);
    } finally {
      await farEnd.stop();
    }
  });
});
