import type { QuarantineInput, QuarantineRecord, ReviewFinding } from '../../src/quarantine/quarantine-record.js';
import type { QuarantineBlobs } from '../../src/storage/ports.js';

/** Queue-id-shaped ids (lowercase base32) whose order follows n, so tests can predict id tie-breaks. */
export function qid(n: number): string {
  return `quarantine${String(n).padStart(6, '0').replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}`;
}

/** A fixed instant well before any test runs; store tests place records relative to it. */
export const T0 = Date.UTC(2026, 0, 1);
/** Blobs in Redis expire at keepUntil (real time): tests keep them for a day. */
export const keepUntil = (): number => Date.now() + 86_400_000;

export function storedRecord(n: number, over: Partial<QuarantineRecord> = {}): QuarantineRecord {
  return {
    id: qid(n),
    status: 'held',
    pairId: 'pair-1',
    direction: 'seller_to_buyer',
    sellerId: 's1',
    senderId: 's1',
    recipientId: 'b1',
    rules: ['seller-foreign-address'],
    findingCount: 1,
    attachmentCount: 0,
    rawSize: 120,
    createdAt: T0 + n * 1_000,
    ...over,
  };
}

export function blobsOf(id: string): QuarantineBlobs {
  return { content: Buffer.from(`sealed-content-of-${id}`), raw: Buffer.from([0, 1, 2, 255, ...Buffer.from(id)]) };
}

export const finding: ReviewFinding = {
  detector: 'foreign-address',
  kind: 'address',
  part: 'text',
  start: 12,
  end: 30,
  match: 'john@gmail.example',
  ruleId: 'seller-foreign-address',
  action: 'hold',
  context: { before: 'write me at ', match: 'john@gmail.example', after: ' and we talk' },
};

/** What the pipeline hands over for a held seller message; raw holds bytes that are not valid UTF-8 on purpose. */
export function quarantineInput(over: Partial<QuarantineInput> = {}): QuarantineInput {
  return {
    id: qid(1),
    status: 'held',
    pairId: 'pair-1',
    direction: 'seller_to_buyer',
    sellerId: 'seller-1',
    senderId: 'seller-1',
    recipientId: 'buyer-1',
    rules: ['seller-foreign-address'],
    findings: [finding],
    raw: Buffer.concat([Buffer.from('From: Shop <owner@shop.example>\r\nSubject: Your order\r\n\r\nwrite me at john@gmail.example '), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n')]),
    envelopeFrom: 'owner@shop.example',
    subject: 'Your order',
    renderedText: 'write me at john@gmail.example and we talk',
    attachments: [{ filename: 'invoice.pdf', contentType: 'application/pdf', size: 2048 }],
    createdAt: Date.now(),
    ...over,
  };
}
