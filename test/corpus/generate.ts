/**
 * Writes messages/generated.yaml: order-talk messages composed from the pools in pools-en.ts and pools-ko.ts,
 * with violations and hard negatives mixed in. Deterministic (seeded), so the file only changes when the pools
 * do. Run: npx tsx test/corpus/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Label } from './load-corpus.js';
import * as en from './pools-en.js';
import * as ko from './pools-ko.js';
import { pick, type Make, type Rng, type Snippet } from './pools-en.js';

/** mulberry32: a tiny seeded generator, so the corpus is reproducible. */
function seeded(seed: number): Rng {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Voice {
  lang: 'en' | 'ko';
  direction: 'seller_to_buyer' | 'buyer_to_seller';
  greetings: string[];
  closings: string[];
  names: string[];
  shops: string[];
  context: Make[];
  negatives: Make[];
  violations: Make[][];
  subjects: string[];
}

const VOICES: Voice[] = [
  {
    lang: 'en', direction: 'seller_to_buyer', greetings: en.EN_GREETINGS, closings: en.EN_SELLER_CLOSINGS, names: en.EN_NAMES, shops: en.EN_SHOPS,
    context: en.EN_SELLER_CONTEXT, negatives: en.EN_SELLER_NEGATIVES,
    violations: [en.EN_FOREIGN, en.EN_OBFUSCATED, en.EN_CHANNEL, en.EN_REQUEST, en.EN_MARKETING, en.EN_REVIEW],
    subjects: ['Your order', 'Re: your question', 'Shipping update', 'About your return', 'Thank you!', 'Order confirmation', 'Re: delivery', 'A quick note'],
  },
  {
    lang: 'en', direction: 'buyer_to_seller', greetings: ['Hi,', 'Hello,', 'Hi there,', 'Hello {shop},', 'Dear seller,'], closings: en.EN_BUYER_CLOSINGS, names: en.EN_NAMES, shops: en.EN_SHOPS,
    context: en.EN_BUYER_CONTEXT, negatives: en.EN_BUYER_NEGATIVES,
    violations: [en.EN_FOREIGN, en.EN_OBFUSCATED, en.EN_CHANNEL, en.EN_REQUEST],
    subjects: ['Question about my order', 'Where is my parcel?', 'Exchange request', 'Re: Your order', 'Damaged item', 'Question'],
  },
  {
    lang: 'ko', direction: 'seller_to_buyer', greetings: ko.KO_GREETINGS, closings: ko.KO_SELLER_CLOSINGS, names: ko.KO_NAMES, shops: ko.KO_SHOPS,
    context: ko.KO_SELLER_CONTEXT, negatives: ko.KO_SELLER_NEGATIVES,
    violations: [ko.KO_FOREIGN, ko.KO_OBFUSCATED, ko.KO_CHANNEL, ko.KO_REQUEST, ko.KO_MARKETING, ko.KO_REVIEW],
    subjects: ['주문 안내', '문의 답변드립니다', '배송 안내', '교환 안내', '감사합니다', '발송 완료 안내'],
  },
  {
    lang: 'ko', direction: 'buyer_to_seller', greetings: ['안녕하세요.', '안녕하세요 사장님.', '판매자님 안녕하세요.', '수고 많으십니다.'], closings: ko.KO_BUYER_CLOSINGS, names: ko.KO_NAMES, shops: ko.KO_SHOPS,
    context: ko.KO_BUYER_CONTEXT, negatives: ko.KO_BUYER_NEGATIVES,
    violations: [ko.KO_FOREIGN, ko.KO_OBFUSCATED, ko.KO_CHANNEL, ko.KO_REQUEST],
    subjects: ['배송 문의', '교환 문의', '상품 문의', '주문 관련', '문의드립니다'],
  },
];

/** Messages per voice: clean ones first, then one or two violations each. */
const PLAN: Record<string, { clean: number; violating: number }> = {
  'en/seller_to_buyer': { clean: 40, violating: 70 },
  'en/buyer_to_seller': { clean: 25, violating: 30 },
  'ko/seller_to_buyer': { clean: 35, violating: 60 },
  'ko/buyer_to_seller': { clean: 20, violating: 25 },
};

function compose(r: Rng, voice: Voice, id: string, violating: boolean) {
  const fill = (s: string) => s.replaceAll('{name}', pick(r, voice.names)).replaceAll('{shop}', pick(r, voice.shops));
  const parts: Snippet[] = [];
  const contextCount = 1 + Math.floor(r() * 3);
  for (let i = 0; i < contextCount; i++) parts.push(pick(r, voice.context)(r));
  if (r() < 0.5) parts.splice(Math.floor(r() * (parts.length + 1)), 0, pick(r, voice.negatives)(r));
  if (violating) {
    const count = r() < 0.2 ? 2 : 1;
    for (let i = 0; i < count; i++) parts.splice(Math.floor(r() * (parts.length + 1)), 0, pick(r, pick(r, voice.violations))(r));
  }
  const known: { address: string; alias: string }[] = [];
  let tail = '';
  // One message in six quotes the other party or signs with the sender's own registered address.
  if (r() < 1 / 6) {
    const address = `${pick(r, KNOWN_LOCALS)}${Math.floor(r() * 90) + 10}@${pick(r, ['gmail.com', 'naver.com', 'daum.net', 'outlook.com'])}`;
    known.push({ address, alias: `a${Math.floor(r() * 1e8).toString(36)}@relay.test` });
    tail = pick(r, QUOTE_STYLES).replace('{address}', r() < 0.3 ? address.toUpperCase() : address);
    parts.push({ text: '', labels: ['known-address'] });
  }
  const labels = [...new Set(parts.flatMap((p) => p.labels))] as Label[];
  const sep = voice.lang === 'en' ? (r() < 0.5 ? ' ' : '\n\n') : r() < 0.5 ? ' ' : '\n';
  const body = parts.filter((p) => p.text).map((p) => p.text).join(sep);
  const text = `${fill(pick(r, voice.greetings))}\n\n${body}\n\n${fill(pick(r, voice.closings))}\n${tail}`;
  return { id, direction: voice.direction, subject: pick(r, voice.subjects), text, ...(known.length ? { known } : {}), labels };
}

const KNOWN_LOCALS = ['jisoo.kim', 'dwhwang', 'ara.choi', 'minseo', 'park.j', 'leo.shop', 'hanbit.cs', 'nuri'];
const QUOTE_STYLES = [
  '\nOn Mon, Mar 4, 2024 at 10:12 AM <{address}> wrote:\n> Thanks, see you soon.\n',
  '\n----- Original Message -----\nFrom: {address}\nSent: 2024-04-02 09:31\n> Is it in stock?\n',
  '\n--\nSent by {address}\n',
  '\n2024년 3월 5일 (화) 오후 2:14, {address}님이 작성:\n> 배송 언제 되나요?\n',
];

const r = seeded(20261123);
const out = [];
for (const voice of VOICES) {
  const plan = PLAN[`${voice.lang}/${voice.direction}`]!;
  const tag = `gen-${voice.lang}-${voice.direction === 'seller_to_buyer' ? 's' : 'b'}`;
  for (let i = 0; i < plan.clean + plan.violating; i++) out.push(compose(r, voice, `${tag}-${String(i + 1).padStart(3, '0')}`, i >= plan.clean));
}
const header = '# Generated by test/corpus/generate.ts from pools-en.ts and pools-ko.ts. Do not edit by hand: edit the pools and rerun.\n';
writeFileSync(new URL('./messages/generated.yaml', import.meta.url), header + stringify(out, { lineWidth: 0 }));
console.log(`wrote ${out.length} messages`);
