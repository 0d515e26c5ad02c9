import { describe, expect, it } from 'vitest';
import { evaluateCorpus, MAX_FALSE_POSITIVE_RATE, RECALL_FLOORS } from '../corpus/evaluate.js';
import { loadCorpus } from '../corpus/load-corpus.js';

describe('labelled corpus (test/corpus)', () => {
  it('when the corpus is loaded, then it holds at least 400 messages in both languages, directions and classes', () => {
    const corpus = loadCorpus();
    expect(corpus.length).toBeGreaterThanOrEqual(400);
    const hangul = /[\uac00-\ud7a3]/;
    const korean = corpus.filter((m) => hangul.test(`${m.subject}${m.text ?? ''}${m.html ?? ''}`)).length;
    expect(korean).toBeGreaterThanOrEqual(100);
    expect(corpus.filter((m) => m.direction === 'buyer_to_seller').length).toBeGreaterThanOrEqual(100);
    expect(corpus.filter((m) => m.labels.length === 0).length).toBeGreaterThanOrEqual(150);
  });

  it('when every message is scanned, then each detector meets its recall floor and clean messages stay clean', async () => {
    const report = await evaluateCorpus();
    for (const s of report.scores) {
      expect(s.recall, `${s.label} recall (${s.truePositives} found, ${s.falseNegatives} missed)`).toBeGreaterThanOrEqual(RECALL_FLOORS[s.label]);
    }
    expect(report.falsePositiveRate, `${report.cleanFlagged} of ${report.clean} clean messages flagged`).toBeLessThanOrEqual(MAX_FALSE_POSITIVE_RATE);
  });
});
