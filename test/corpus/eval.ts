/**
 * npm run policy:eval — precision and recall per detector on the labelled corpus, and the false-positive rate
 * on clean messages. `--misses` lists every message whose detectors disagree with its labels.
 */
import { evaluateCorpus, MAX_FALSE_POSITIVE_RATE, RECALL_FLOORS } from './evaluate.js';

const report = await evaluateCorpus();
const pct = (v: number) => `${(v * 100).toFixed(1)}%`.padStart(7);
console.log(`corpus: ${report.messages} messages, ${report.clean} clean\n`);
console.log(`${'detector'.padEnd(22)}${'TP'.padStart(5)}${'FP'.padStart(5)}${'FN'.padStart(5)}${'precision'.padStart(11)}${'recall'.padStart(9)}  floor`);
for (const s of report.scores) {
  const floor = RECALL_FLOORS[s.label];
  const ok = s.recall >= floor ? 'ok' : 'BELOW';
  console.log(`${s.label.padEnd(22)}${String(s.truePositives).padStart(5)}${String(s.falsePositives).padStart(5)}${String(s.falseNegatives).padStart(5)}${pct(s.precision).padStart(11)}${pct(s.recall).padStart(9)}  ≥${pct(floor).trim()} ${ok}`);
}
const fpOk = report.falsePositiveRate <= MAX_FALSE_POSITIVE_RATE ? 'ok' : 'ABOVE';
console.log(`\nfalse positives on clean messages: ${report.cleanFlagged}/${report.clean} = ${pct(report.falsePositiveRate).trim()} (≤${pct(MAX_FALSE_POSITIVE_RATE).trim()} ${fpOk})`);
if (process.argv.includes('--misses')) {
  console.log('\nmessages whose findings differ from their labels:');
  for (const m of report.misses) console.log(`  ${m.id}: expected [${m.expected.join(', ')}] got [${m.predicted.join(', ')}]`);
} else if (report.misses.length) {
  console.log(`(${report.misses.length} messages differ from their labels; run with -- --misses to list them)`);
}
