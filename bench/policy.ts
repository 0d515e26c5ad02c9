/**
 * npm run bench:policy — content-policy throughput on 2 KB, 100 KB and 5 MB bodies, as plain text and as HTML.
 * Bodies are stitched from the labelled corpus (order talk, Korean and English, with the occasional violation).
 * The machine is shared and noisy, so each figure comes with a ratio against a baseline measured in the same
 * run over the same bytes: `body.toLowerCase().includes('@')`, the cheapest pass that looks at every character.
 * The duplicate counter is the real LMDB one in a temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { loadPolicyFileSync } from '../src/policy/load-policy.js';
import { PolicyEngine, type ScanInput } from '../src/policy/scan.js';
import { EmbeddedDuplicateCounter } from '../src/storage/embedded/embedded-duplicate-counter.js';
import { loadCorpus } from '../test/corpus/load-corpus.js';

const SIZES = [
  { label: '2 KB', bytes: 2 * 1024 },
  { label: '100 KB', bytes: 100 * 1024 },
  { label: '5 MB', bytes: 5 * 1024 * 1024 },
];
/** Each measurement repeats until it has run this long, so small bodies are timed over many scans. */
const MIN_MEASURE_MS = 1_500;
const MIN_ROUNDS = 3;

const texts = loadCorpus().map((m) => m.text ?? '').filter(Boolean);

function body(bytes: number, html: boolean): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const t = texts[(i * 7919) % texts.length]!;
    const piece = html ? `<p>${t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('\n', '<br>')}</p>\n` : `${t}\n`;
    parts.push(piece);
    size += Buffer.byteLength(piece);
  }
  return parts.join('');
}

async function measure(run: () => unknown): Promise<number> {
  const start = performance.now();
  let rounds = 0;
  while (rounds < MIN_ROUNDS || performance.now() - start < MIN_MEASURE_MS) {
    await run();
    rounds++;
  }
  return (performance.now() - start) / rounds;
}

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const root = open({ path: join(dir, 'store'), maxDbs: 4, compression: false });
try {
  const engine = new PolicyEngine(loadPolicyFileSync('config/policy.yaml'), { duplicates: new EmbeddedDuplicateCounter(root) });
  const input = (content: string, html: boolean): ScanInput => ({
    direction: 'seller_to_buyer',
    sellerId: 'bench-seller',
    day: '2026-11-23',
    aliasDomain: 'relay.test',
    subject: 'Your order',
    displayNames: ['Seoul Ceramics'],
    ...(html ? { html: content } : { text: content }),
    attachments: [],
    headers: new Map(),
    knownAddresses: [{ address: 'buyer.jisoo@gmail.com', alias: 'b7x2@relay.test' }],
  });
  console.log(`${'body'.padEnd(14)}${'size'.padStart(10)}${'ms/scan'.padStart(11)}${'MB/s'.padStart(9)}${'baseline MB/s'.padStart(15)}${'ratio'.padStart(9)}  findings`);
  for (const html of [false, true]) {
    for (const size of SIZES) {
      const content = body(size.bytes, html);
      const bytes = Buffer.byteLength(content);
      const scan = await engine.scan(input(content, html));
      const ms = await measure(() => engine.scan(input(content, html)));
      const baseMs = await measure(() => content.toLowerCase().includes('@'));
      const mbps = (b: number, t: number) => b / (1024 * 1024) / (t / 1000);
      console.log(
        `${(html ? 'html ' : 'text ') + size.label}`.padEnd(14) +
          `${(bytes / 1024).toFixed(0)} KB`.padStart(10) +
          ms.toFixed(2).padStart(11) +
          mbps(bytes, ms).toFixed(1).padStart(9) +
          mbps(bytes, baseMs).toFixed(0).padStart(15) +
          `${(ms / baseMs).toFixed(0)}×`.padStart(9) +
          `  ${scan.findings.length}`,
      );
    }
  }
  console.log('\nratio = scan time / baseline time over the same bytes (lower is better).');
} finally {
  await root.close();
  rmSync(dir, { recursive: true, force: true });
}
