import { simpleMessage } from './parley.js';
import { RawSmtpClient } from './smtp-client.js';

export interface Outcome {
  code: number;
  text: string;
}

/** One message per SMTP session, as most senders do; returns the reply that decided it (RCPT or end of DATA). */
export async function sendOne(port: number, from: string, to: string, subject: string): Promise<Outcome> {
  const c = await RawSmtpClient.connect(port);
  try {
    await c.read();
    await c.command('EHLO sender.example');
    const res = await c.transaction(from, [to], simpleMessage({ from, to, subject }));
    const decisive = res.end ?? res.rcpt[0]!;
    return { code: decisive.code, text: decisive.text };
  } finally {
    c.close();
  }
}

/** `count` messages over `parallel` concurrent sessions, spread across the given relay ports. */
export async function sendBurst(ports: number[], from: string, to: string, count: number, parallel = 40): Promise<Outcome[]> {
  const results: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        results.push(await sendOne(ports[i % ports.length]!, from, to, `Update ${i}`));
      }
    }),
  );
  return results;
}
