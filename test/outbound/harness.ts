import { onTestFinished } from 'vitest';
import { createOutboundTransport, type OutboundTransport, type TransportOptions } from '../../src/outbound/transport.js';
import { testLogger } from '../helpers/env.js';
import { SmtpSink, type SinkOptions } from '../helpers/smtp-sink.js';

/** Short timeouts: loopback answers at once, and a test must not wait minutes for a dead peer. */
export const testTimeouts = { connection: 2_000, greeting: 2_000, socket: 5_000 };

/** A started sink, stopped when the test ends. */
export async function startSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const sink = new SmtpSink(options);
  await sink.start();
  onTestFinished(() => sink.stop());
  return sink;
}

/** A transport with test timeouts, closed when the test ends. */
export function transportFor(options: Partial<TransportOptions> & { target: string }): OutboundTransport {
  const transport = createOutboundTransport({ heloName: 'relay.example', logger: testLogger(), timeouts: testTimeouts, ...options });
  onTestFinished(() => transport.close());
  return transport;
}

export const message = (to: string, body = 'Hello.'): Buffer =>
  Buffer.from(
    [
      'From: "Blue Kettle" <seller-alias@relay.example>',
      `To: <${to}>`,
      'Subject: =?UTF-8?B?7KO866y4IO2ZleyduA==?=',
      'Message-ID: <m1@relay.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '.a line that starts with a dot survives dot-stuffing',
      '주문하신 상품이 발송되었습니다.',
      '',
    ].join('\r\n'),
  );
