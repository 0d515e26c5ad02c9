import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { subkey } from '../../src/crypto/keys.js';
import { Spool } from '../../src/outbound/spool.js';
import { tempDir, testLogger, testSecrets } from '../helpers/env.js';
import { simpleMessage } from '../helpers/parley.js';
import { processEnv, SEEDED_BUYER, SEEDED_SELLER, seedPair, spawnParley, type ParleyProcess } from '../helpers/parley-process.js';
import { metricValue } from '../helpers/metrics.js';
import { freePort } from '../helpers/redis-process.js';
import { RawSmtpClient } from '../helpers/smtp-client.js';
import { SmtpSink } from '../helpers/smtp-sink.js';

const BUYER = SEEDED_BUYER;

/** spawnParley returns at the first worker's start; mail should not go out before both listen. */
async function bothStarted(p: ParleyProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (p.logs.filter((l) => l.msg === 'parley started').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

async function sendOne(port: number, to: string, subject: string): Promise<number> {
  const c = await RawSmtpClient.connect(port);
  try {
    await c.read();
    await c.command('EHLO client.example');
    const res = await c.transaction(BUYER, [to], simpleMessage({ from: BUYER, to, subject }));
    return res.end?.code ?? 0;
  } finally {
    c.close();
  }
}

describe('several workers on one node', () => {
  it('when PARLEY_WORKERS=2, then both workers take mail on one port, share the store, and /metrics covers the node', async () => {
    const sink = new SmtpSink();
    await sink.start();
    try {
      const parley = await spawnParley(processEnv(tempDir(), { PARLEY_WORKERS: '2', PARLEY_MAX_CONNECTIONS_PER_IP: '100', PARLEY_OUTBOUND: `smtp://127.0.0.1:${sink.port}` }));
      await bothStarted(parley);
      const sellerAlias = await seedPair(parley);
      // The workers take connections from the shared socket as the kernel wakes them, so one may take a whole
      // burst: rounds of three at once (each a new race between the workers) until both have served.
      const servedBy = () => new Set(parley.logs.filter((l) => l.msg === 'message queued').map((l) => l.worker));
      let sent = 0;
      for (let round = 0; round < 40 && (sent < 24 || servedBy().size < 2); round++) {
        const codes = await Promise.all(Array.from({ length: 3 }, () => sendOne(parley.smtpPort, sellerAlias, `m${sent++}`)));
        expect(codes.every((c) => c === 250)).toBe(true);
      }
      await sink.waitFor(sent);
      const subjects = new Set(sink.received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw.toString())![1]));
      expect(subjects.size).toBe(sent);

      expect(servedBy()).toEqual(new Set([0, 1]));
      const metrics = await fetch(`http://127.0.0.1:${parley.apiPort}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(new RegExp(`^parley_messages_total\\{verdict="accepted",reason=""\\} ${sent}$`, 'm'));
    } finally {
      await sink.stop();
    }
  }, 60_000);

  it('when a client passes the greeting pause on one worker, then the other worker greets it at once too', async () => {
    const sink = new SmtpSink();
    await sink.start();
    try {
      const parley = await spawnParley(processEnv(tempDir(), { PARLEY_WORKERS: '2', PARLEY_OUTBOUND: `smtp://127.0.0.1:${sink.port}` }));
      await bothStarted(parley);
      const sellerAlias = await seedPair(parley);
      expect(await sendOne(parley.smtpPort, sellerAlias, 'first')).toBe(250);
      const greetings = async (pause: string) => {
        const metrics = await fetch(`http://127.0.0.1:${parley.apiPort}/metrics`).then((r) => r.text());
        return metricValue(metrics, `parley_greetings_total{pause="${pause}"}`, 0);
      };
      // The pass travels worker → primary → worker; give it a moment before the next connections.
      await new Promise((r) => setTimeout(r, 300));
      // The workers take connections from the shared socket as the kernel wakes them: send until both have
      // served some (at least four more), every one greeted at once.
      const servedBy = () => new Set(parley.logs.filter((l) => l.msg === 'message queued').map((l) => l.worker));
      let sent = 0;
      while (sent < 4 || (servedBy().size < 2 && sent < 40)) expect(await sendOne(parley.smtpPort, sellerAlias, `again ${sent++}`)).toBe(250);
      expect(servedBy()).toEqual(new Set([0, 1]));
      expect([await greetings('waited'), await greetings('skipped')]).toEqual([1, sent]);
    } finally {
      await sink.stop();
    }
  }, 60_000);

  it('when one client opens as many connections as the node allows, then every one is greeted, whichever worker accepts them, and one more is refused', async () => {
    // Two per worker: the workers take connections from the shared socket as the kernel wakes them, so a burst
    // often lands on one worker, which passes what is beyond its share to the other.
    const parley = await spawnParley(processEnv(tempDir(), { PARLEY_WORKERS: '2', PARLEY_MAX_CONNECTIONS_PER_IP: '4', PARLEY_CONNECTION_RATE_PER_IP: '1000' }));
    await bothStarted(parley);
    const handoffs = async () => metricValue(await fetch(`http://127.0.0.1:${parley.apiPort}/metrics`).then((r) => r.text()), 'parley_connection_handoffs_total', 0);
    for (let burst = 0; burst < 10; burst++) {
      const clients = await Promise.all(Array.from({ length: 4 }, () => RawSmtpClient.connect(parley.smtpPort)));
      expect((await Promise.all(clients.map((c) => c.read()))).map((r) => r.code)).toEqual([220, 220, 220, 220]);
      const fifth = await RawSmtpClient.connect(parley.smtpPort);
      expect((await fifth.read()).code).toBe(421);
      fifth.close();
      await Promise.all(clients.map((c) => c.command('QUIT')));
      for (const c of clients) c.close();
      // The workers count a connection out when its socket closes, just after the client sees the 221.
      await new Promise((r) => setTimeout(r, 200));
      if (burst >= 3 && (await handoffs()) > 0) break;
    }
    expect(await handoffs()).toBeGreaterThan(0);
    // Nothing stays counted: the client gets all four again.
    const again = await Promise.all(Array.from({ length: 4 }, () => RawSmtpClient.connect(parley.smtpPort)));
    expect((await Promise.all(again.map((c) => c.read()))).map((r) => r.code)).toEqual([220, 220, 220, 220]);
    for (const c of again) c.close();
  }, 60_000);

  it('when a worker is killed, then the primary starts it again and its spool is delivered', async () => {
    const farEnd = new SmtpSink();
    const dataDir = tempDir();
    farEnd.port = await freePort();
    const parley = await spawnParley(processEnv(dataDir, { PARLEY_WORKERS: '2', PARLEY_OUTBOUND: `smtp://127.0.0.1:${farEnd.port}` }));
    const sellerAlias = await seedPair(parley);
    const codes = await Promise.all(Array.from({ length: 6 }, (_, i) => sendOne(parley.smtpPort, sellerAlias, `kept ${i}`)));
    expect(codes.every((c) => c === 250)).toBe(true);

    const started = () => parley.logs.filter((l) => l.msg === 'parley started');
    await bothStarted(parley);
    const pids = new Set(started().map((l) => l.pid as number));
    expect(pids.size).toBe(2);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    while (parley.logs.filter((l) => l.msg === 'parley started').length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(parley.logs.filter((l) => l.msg === 'parley started')).toHaveLength(4);

    await farEnd.start();
    try {
      await farEnd.waitFor(6, 30_000);
      expect(new Set(farEnd.received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw.toString())![1])).size).toBe(6);
    } finally {
      await farEnd.stop();
    }
  }, 60_000);

  it('when the worker count is lowered to one, then the spool a second worker left (journal and files) is delivered', async () => {
    const farEnd = new SmtpSink();
    farEnd.port = await freePort();
    await farEnd.start();
    const dataDir = tempDir();
    const orphanDir = join(dataDir, 'spool', 'w1');
    // What worker 1 of an earlier two-worker run left: a small message in its journal, a large one in a file.
    const orphan = await Spool.open(orphanDir, subkey(testSecrets.dataKey, 'spool'), testLogger());
    const message = (subject: string, size: number) => Buffer.from(`Subject: ${subject}\r\n\r\n${'Thank you for the order.\r\n'.repeat(Math.ceil(size / 26))}`);
    const meta = { from: '', to: SEEDED_SELLER, notify: null, context: {} };
    await orphan.enqueue(message('left in the journal', 2_000), meta);
    await orphan.enqueue(message('left in a file', 300_000), meta);
    orphan.close();
    expect(readdirSync(orphanDir).filter((f) => f.startsWith('journal-') || f.endsWith('.msg'))).toHaveLength(2);
    try {
      await spawnParley(processEnv(dataDir, { PARLEY_WORKERS: '1', PARLEY_OUTBOUND: `smtp://127.0.0.1:${farEnd.port}` }));
      const received = await farEnd.waitFor(2, 30_000);
      expect(received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw.toString())![1]).sort()).toEqual(['left in a file', 'left in the journal']);
      expect(readdirSync(orphanDir).filter((f) => /\.(msg|meta|log)$/.test(f))).toEqual([]);
    } finally {
      await farEnd.stop();
    }
  }, 60_000);
});
