import { describe, expect, it } from 'vitest';
import { mxZone } from '../helpers/dns-zone.js';
import { message, startSink, transportFor } from './harness.js';

const envelope = { from: 'bounce+abcdefghijklmnopqrstuvwx.aaaaaaa.aaaaaaaaaaaaaaaaaaaa@relay.example', to: 'jiwoo@buyer.example' };

describe('outbound transport over real SMTP', () => {
  it('when the smarthost requires AUTH and the target URL carries the right user, then the message is delivered under that user', async () => {
    const sink = await startSink({ auth: { user: 'relay-user', pass: 's3cret/pass' } });
    const transport = transportFor({ target: `smtp://relay-user:${encodeURIComponent('s3cret/pass')}@127.0.0.1:${sink.port}` });
    const result = await transport.send(envelope, message(envelope.to));
    expect(result).toMatchObject({ kind: 'delivered' });
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]).toMatchObject({ user: 'relay-user', from: envelope.from, to: [envelope.to] });
  });

  it('when the smarthost refuses our credentials, or wants some we do not have, then the failure is temporary and nothing is sent', async () => {
    const sink = await startSink({ auth: { user: 'relay-user', pass: 'right' } });
    const wrong = await transportFor({ target: `smtp://relay-user:wrong@127.0.0.1:${sink.port}` }).send(envelope, message(envelope.to));
    expect(wrong).toMatchObject({ kind: 'temporary', code: 535 });
    const none = await transportFor({ target: `smtp://127.0.0.1:${sink.port}` }).send(envelope, message(envelope.to));
    expect(none).toMatchObject({ kind: 'temporary', code: 530 });
    expect(sink.received).toHaveLength(0);
  });

  it('when the remote answers 4xx or 5xx for the recipient, then the result is temporary or permanent with the reply', async () => {
    const sink = await startSink({
      rcpt: (to) => (to.startsWith('full') ? { code: 452, message: '4.2.2 Mailbox full' } : { code: 550, message: '5.1.1 No such user' }),
    });
    const transport = transportFor({ target: `smtp://127.0.0.1:${sink.port}` });
    expect(await transport.send({ ...envelope, to: 'full@buyer.example' }, message('full@buyer.example'))).toMatchObject({
      kind: 'temporary',
      code: 452,
      enhanced: '4.2.2',
      remoteHost: '127.0.0.1',
    });
    const gone = await transport.send({ ...envelope, to: 'gone@buyer.example' }, message('gone@buyer.example'));
    expect(gone).toMatchObject({ kind: 'permanent', code: 550, enhanced: '5.1.1' });
    expect(gone.kind === 'permanent' && gone.diagnostic).toMatch(/No such user/);
  });

  it('when nothing listens at the smarthost, then the failure is temporary', async () => {
    const sink = await startSink();
    await sink.stop();
    expect(await transportFor({ target: `smtp://127.0.0.1:${sink.port}` }).send(envelope, message(envelope.to))).toMatchObject({ kind: 'temporary' });
  });

  it('when sending in MX mode, then the injected resolver is asked for the recipient domain and STARTTLS is used when offered', async () => {
    const sink = await startSink({ starttls: true });
    const zone = mxZone({ 'buyer.example': [{ exchange: '127.0.0.1', priority: 10 }] });
    const transport = transportFor({ target: 'mx', resolveMx: zone, mxPort: sink.port });
    expect(await transport.send(envelope, message(envelope.to))).toMatchObject({ kind: 'delivered' });
    expect(zone.calls).toEqual(['buyer.example']);
    expect(sink.received[0]).toMatchObject({ secure: true, to: [envelope.to] });
  });

  it('when the preferred MX refuses connections, then the next one by preference gets the message', async () => {
    const sink = await startSink();
    // Nothing listens on 127.0.0.2 (the sink binds 127.0.0.1 only), so the preferred host refuses.
    const zone = mxZone({ 'buyer.example': [{ exchange: '127.0.0.1', priority: 20 }, { exchange: '127.0.0.2', priority: 10 }] });
    const result = await transportFor({ target: 'mx', resolveMx: zone, mxPort: sink.port }).send(envelope, message(envelope.to));
    expect(result).toMatchObject({ kind: 'delivered' });
    expect(sink.received).toHaveLength(1);
  });

  it('when the recipient domain publishes a null MX, then delivery fails permanently without connecting anywhere', async () => {
    const sink = await startSink();
    const zone = mxZone({ 'buyer.example': [{ exchange: '', priority: 0 }] });
    const result = await transportFor({ target: 'mx', resolveMx: zone, mxPort: sink.port }).send(envelope, message(envelope.to));
    expect(result).toMatchObject({ kind: 'permanent', code: 556, enhanced: '5.1.10' });
    expect(sink.rcptAttempts).toBe(0);
  });

  it('when the envelope sender is null (a DSN), then MAIL FROM is <>', async () => {
    const sink = await startSink();
    const result = await transportFor({ target: `smtp://127.0.0.1:${sink.port}` }).send({ from: '', to: envelope.to }, message(envelope.to));
    expect(result).toMatchObject({ kind: 'delivered' });
    expect(sink.received[0]?.from).toBe('');
  });
});
