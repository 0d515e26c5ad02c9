import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { describe, expect, it } from 'vitest';
import { dnsZone } from '../helpers/dns-zone.js';
import { relayDkimRecords, startRelay } from '../helpers/parley.js';

interface Fixture {
  file: string;
  buyer: string;
  seller: string;
  sender: 'buyer' | 'seller';
  envelopeFrom: string;
  previous?: string;
}

const dir = new URL('../fixtures/messages/', import.meta.url);
const fixtures = JSON.parse(readFileSync(new URL('index.json', dir), 'utf8')) as Fixture[];
const update = process.env.UPDATE_GOLDEN === '1';

const toCrlf = (s: string) => s.replace(/\r?\n/g, '\r\n');

/**
 * Real client messages in (Gmail, Outlook, Apple Mail, Thunderbird, a Korean webmail), in conversation order,
 * through a real Parley; each delivered message must equal its `.expected.eml` once the values that are random
 * by design (aliases, relay and queue ids, signature, arrival time) are replaced by named placeholders.
 * Run with UPDATE_GOLDEN=1 to rewrite the expected files, then read the diff before committing it.
 */
describe('golden messages', () => {
  it('when the fixture conversation is relayed, then every delivered message matches its expected file', async () => {
    const relay = await startRelay();
    const d = relay.parley.directory;
    await d.parties.put({ id: 'seller-blue', role: 'seller', name: 'Blue Kettle Store', emails: ['owner@bluekettle.example', 'cs@bluekettle.example'] });
    await d.parties.put({ id: 'seller-hanok', role: 'seller', name: '한옥 공방', emails: ['hello@hanok.example'] });
    await d.parties.put({ id: 'buyer-jiwoo', role: 'buyer', name: 'Jiwoo', emails: ['jiwoo.kim@gmail.example'] });

    const placeholders = new Map<string, string>();
    const relayIds = new Map<string, string>();
    for (const [i, seller] of ['seller-blue', 'seller-hanok'].entries()) {
      const { pair } = await d.orders.record({ orderId: `order-${i}`, buyerId: 'buyer-jiwoo', sellerId: seller, placedAt: Date.UTC(2026, 10, 20) });
      placeholders.set(pair.buyerAlias, `{{alias:${seller}:buyer}}`);
      placeholders.set(pair.sellerAlias, `{{alias:${seller}:seller}}`);
    }

    const c = await relay.client();
    for (const [index, f] of fixtures.entries()) {
      const pair = await d.pairs.find(f.buyer, f.seller);
      let input = readFileSync(new URL(f.file, dir), 'utf8')
        .replaceAll('{{SELLER_ALIAS}}', d.pairs.address(pair!.sellerAlias))
        .replaceAll('{{BUYER_ALIAS}}', d.pairs.address(pair!.buyerAlias));
      if (f.previous) input = input.replaceAll('{{RELAY_ID_OF_PREVIOUS}}', `${relayIds.get(f.previous)}@relay.test`);
      const to = f.sender === 'buyer' ? d.pairs.address(pair!.sellerAlias) : d.pairs.address(pair!.buyerAlias);
      const res = await c.transaction(f.envelopeFrom, [to], toCrlf(input));
      expect(res.end?.code, `${f.file}: ${res.end?.text}`).toBe(250);

      const delivered = (await relay.sink.waitFor(index + 1))[index]!;
      const verified = await dkimVerify(delivered.raw, { resolver: dnsZone(relayDkimRecords()) as never });
      expect(verified.results[0]?.status.result, f.file).toBe('pass');

      let text = delivered.raw.toString('utf8');
      const relayId = /^Message-ID: <([a-z2-7]+)@relay\.test>/m.exec(text)![1]!;
      relayIds.set(f.file, relayId);
      for (const [file, id] of relayIds) text = text.replaceAll(id, `{{relay:${file}}}`);
      for (const [alias, name] of placeholders) text = text.replaceAll(alias, name);
      text = text
        .replace(/^DKIM-Signature:.*(\r\n[ \t].*)*/m, 'DKIM-Signature: {{verified}}')
        .replace(/ id [a-z2-7]{24};\r\n .*/, ' id {{queue}};\r\n {{arrival}}')
        .replace(/\r\n/g, '\n');
      expect(delivered.from, f.file).toMatch(/^bounce\+/);
      expect(delivered.to, f.file).toHaveLength(1);

      const expectedPath = new URL(f.file.replace(/\.eml$/, '.expected.eml'), dir);
      if (update || !existsSync(expectedPath)) writeFileSync(expectedPath, text);
      expect(text, f.file).toBe(readFileSync(expectedPath, 'utf8'));
    }
  });
});
