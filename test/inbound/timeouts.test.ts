import { describe, expect, it } from 'vitest';
import { BUYER, expectClosedAfter, expectServing, greetedFrom } from '../helpers/edge-clients.js';
import { startRelay } from '../helpers/parley.js';
import type { RawSmtpClient } from '../helpers/smtp-client.js';

/** Writes one piece every 200 ms until the connection closes: always talking, never finishing. */
function drip(c: RawSmtpClient, piece: () => string): () => void {
  const timer = setInterval(() => {
    if (c.isClosed()) clearInterval(timer);
    else c.write(piece());
  }, 200);
  return () => clearInterval(timer);
}

describe('timeouts at the SMTP edge', () => {
  it('when a client sends nothing for the idle timeout, then 421 4.4.2 and the connection closes, while another is served', async () => {
    const relay = await startRelay({ overrides: { limits: { idleTimeoutSeconds: 1 } } });
    const { sellerAlias } = await relay.seed();
    const idle = await greetedFrom(relay, '127.0.0.2');
    const reply = idle.read(10_000);
    await expectServing(relay, sellerAlias);
    await expectClosedAfter(idle, reply, 421, '4.4.2 Timeout - closing connection');
  });

  it('when a command line trickles in a byte at a time (slowloris), then 421 4.4.2 at the command deadline although the idle timeout never fires', async () => {
    const relay = await startRelay({ overrides: { limits: { commandTimeoutSeconds: 1, idleTimeoutSeconds: 30 } } });
    const { sellerAlias } = await relay.seed();
    const slow = await greetedFrom(relay, '127.0.0.2');
    slow.write('MAIL FROM:<');
    const stop = drip(slow, () => 'x');
    const reply = slow.read(10_000);
    await expectServing(relay, sellerAlias);
    await expectClosedAfter(slow, reply, 421, '4.4.2 Command not completed in time, closing connection');
    stop();
  });

  it('when message data trickles in line by line, then 421 4.4.2 at the DATA deadline and nothing is delivered from it', async () => {
    const relay = await startRelay({ overrides: { limits: { dataTimeoutSeconds: 1, idleTimeoutSeconds: 30 } } });
    const { sellerAlias } = await relay.seed();
    const slow = await greetedFrom(relay, '127.0.0.2');
    expect((await slow.command(`MAIL FROM:<${BUYER}>`)).code).toBe(250);
    expect((await slow.command(`RCPT TO:<${sellerAlias}>`)).code).toBe(250);
    expect((await slow.command('DATA')).code).toBe(354);
    slow.write(`From: ${BUYER}\r\nTo: ${sellerAlias}\r\nSubject: slow\r\n\r\n`);
    const stop = drip(slow, () => 'still typing\r\n');
    const reply = slow.read(10_000);
    await expectServing(relay, sellerAlias);
    await expectClosedAfter(slow, reply, 421, '4.4.2 Message not received in time, closing connection');
    stop();
    await new Promise((r) => setTimeout(r, 300));
    expect(relay.sink.received.map((m) => m.raw.toString())).not.toContainEqual(expect.stringContaining('still typing'));
  });

  it('when a client keeps a connection busy with NOOPs past the session limit, then 421 4.4.2 once no reply is pending', async () => {
    const relay = await startRelay({ overrides: { limits: { sessionTimeoutSeconds: 2, idleTimeoutSeconds: 30 } } });
    const { sellerAlias } = await relay.seed();
    const chatty = await greetedFrom(relay, '127.0.0.2');
    await expectServing(relay, sellerAlias);
    let reply;
    for (let i = 0; i < 100; i++) {
      reply = await chatty.command('NOOP');
      if (reply.code !== 250) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await expectClosedAfter(chatty, reply!, 421, '4.4.2 Session time limit reached, closing connection; please reconnect');
  });
});
