// Figures per cell (medians over repetitions, because the machine is shared and noisy), Parley next to the
// baseline with their ratio, and the Markdown table the README quotes.
import { cellLabel, type Cell } from './options.js';
import { sizeLabel } from './messages.js';

/** One repetition of one cell on one system. */
export interface Sample {
  accepted: number;
  refused: number;
  delivered: number;
  acceptedPerSec: number;
  deliveredPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerMsg: number;
  startRssMb: number;
  peakRssMb: number;
  /** Redis's CPU per message (Parley cells, when its process is visible here). */
  redisCpuMsPerMsg: number | null;
  /** The load generator's own CPU per message: if it nears a core, the client is the bottleneck. */
  clientCpuMsPerMsg: number;
}

export interface CellResult {
  cell: Cell;
  parley: Sample[];
  baseline: Sample[];
  /** With --scaling: the same relay with one worker, for the workers/1-worker ratio. */
  single: Sample[];
  /** With --postfix: a Postfix rewriting relay, the issue's yardstick. */
  postfix: Sample[];
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  // Nearest rank: with few samples p99 is the worst one, not an interpolation past it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/** Each figure's median on its own: the quoted row need not be one actual run. */
export function medianSample(samples: Sample[]): Sample {
  const m = (f: (s: Sample) => number | null) => median(samples.map((s) => f(s) ?? NaN));
  const redis = m((s) => s.redisCpuMsPerMsg);
  return {
    accepted: m((s) => s.accepted),
    // Summed, not a median: a single refusal is one too many and must not be voted away.
    refused: samples.reduce((sum, s) => sum + s.refused, 0),
    delivered: m((s) => s.delivered),
    acceptedPerSec: m((s) => s.acceptedPerSec),
    deliveredPerSec: m((s) => s.deliveredPerSec),
    p50Ms: m((s) => s.p50Ms),
    p99Ms: m((s) => s.p99Ms),
    cpuMsPerMsg: m((s) => s.cpuMsPerMsg),
    startRssMb: m((s) => s.startRssMb),
    peakRssMb: m((s) => s.peakRssMb),
    redisCpuMsPerMsg: Number.isFinite(redis) ? redis : null,
    clientCpuMsPerMsg: m((s) => s.clientCpuMsPerMsg),
  };
}

export function fmt(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return '–';
  return x.toFixed(Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? Math.min(digits, 1) : digits);
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : NaN);

export function formatSampleLine(system: string, s: Sample): string {
  return (
    `    ${system.padEnd(11)} acc ${fmt(s.acceptedPerSec).padStart(6)}/s  dlv ${fmt(s.deliveredPerSec).padStart(6)}/s  ` +
    `p50 ${fmt(s.p50Ms).padStart(6)} ms  p99 ${fmt(s.p99Ms).padStart(6)} ms  CPU ${fmt(s.cpuMsPerMsg, 2).padStart(6)} ms/msg  ` +
    `RSS ${fmt(s.peakRssMb).padStart(5)} MB (+${fmt(s.peakRssMb - s.startRssMb)})  n=${s.accepted}${s.refused ? `  REFUSED ${s.refused}` : ''}`
  );
}

export function formatCell(r: CellResult): string {
  const p = medianSample(r.parley);
  const b = medianSample(r.baseline);
  const head = (label: string) => label.padStart(9);
  const row = (label: string, s: Sample) =>
    `  ${label.padEnd(11)}${head(fmt(s.acceptedPerSec))}${head(fmt(s.deliveredPerSec))}${head(fmt(s.p50Ms))}${head(fmt(s.p99Ms))}` +
    `${head(fmt(s.cpuMsPerMsg, 2))}${head(fmt(s.peakRssMb))}${head(`+${fmt(s.peakRssMb - s.startRssMb)}`)}${head(String(s.refused))}${head(String(s.accepted))}`;
  // Parley's figure over the other system's, column by column; RSS only against the baseline (the others are relays too).
  const ratios = (label: string, o: Sample, fields: (keyof Sample)[]) =>
    `  ${label.padEnd(11)}${fields.map((f) => head(fmt(ratio(p[f] as number, o[f] as number), 2))).join('')}`;
  const compared: (keyof Sample)[] = ['acceptedPerSec', 'deliveredPerSec', 'p50Ms', 'p99Ms', 'cpuMsPerMsg'];
  const greeting =
    r.cell.perSession === 1
      ? `\n  (one session per message: the baseline's smtp-server waits 100 ms before every greeting, which caps it at about ${r.cell.concurrency * 10} msg/s here; Parley waits only for clients it has not seen wait before)`
      : '';
  const extra =
    `  (redis CPU ${p.redisCpuMsPerMsg === null ? 'not visible' : `${fmt(p.redisCpuMsPerMsg, 2)} ms/msg`} in Parley cells; ` +
    `load generator CPU ${fmt(p.clientCpuMsPerMsg, 2)} / ${fmt(b.clientCpuMsPerMsg, 2)} ms/msg)`;
  const others: string[] = [];
  for (const [samples, label, ratioLabel] of [
    [r.single, '1 worker', 'Parley/1w'],
    [r.postfix, 'Postfix', 'Parley/pfx'],
  ] as const) {
    if (!samples.length) continue;
    const o = medianSample(samples);
    others.push(row(label, o), ratios(ratioLabel, o, compared));
  }
  return [
    `── ${cellLabel(r.cell)} ── median of ${r.parley.length}`,
    `  ${''.padEnd(11)}${['acc/s', 'dlv/s', 'p50 ms', 'p99 ms', 'CPU ms', 'RSS MB', 'ΔRSS', 'refused', 'n'].map(head).join('')}`,
    row('Parley', p),
    row('baseline', b),
    ratios('Parley/base', b, [...compared, 'peakRssMb']),
    ...others,
    extra + greeting,
  ].join('\n');
}

type Column = 'latency' | 'cpu' | 'rss';

/**
 * A Markdown table, one row per cell: Parley (`name`) against another system (`otherName`, its samples picked by
 * `other`), delivered msg/s and their ratio, then the chosen columns for each side. Cells without samples of the
 * other system are left out.
 */
function comparisonTable(results: CellResult[], other: (r: CellResult) => Sample[], name: string, otherName: string, ratioLabel: string, columns: Column[]): string {
  const label: Record<Column, string> = { latency: 'p50 / p99 ms', cpu: 'CPU ms/msg', rss: 'peak RSS MB' };
  const value: Record<Column, (s: Sample) => string> = {
    latency: (s) => `${fmt(s.p50Ms)} / ${fmt(s.p99Ms)}`,
    cpu: (s) => fmt(s.cpuMsPerMsg, 2),
    rss: (s) => fmt(s.peakRssMb),
  };
  const heads = [`${name} delivered msg/s`, `${otherName} delivered msg/s`, ratioLabel, ...columns.flatMap((c) => [`${name} ${label[c]}`, `${otherName} ${label[c]}`])];
  const lines = [`| Size | Conc. | Msgs/session | ${heads.join(' | ')} |`, `|---|${'--:|'.repeat(heads.length + 2)}`];
  for (const r of results) {
    if (!other(r).length) continue;
    const p = medianSample(r.parley);
    const o = medianSample(other(r));
    const cells = [fmt(p.deliveredPerSec), fmt(o.deliveredPerSec), fmt(ratio(p.deliveredPerSec, o.deliveredPerSec), 2), ...columns.flatMap((c) => [value[c](p), value[c](o)])];
    lines.push(`| ${sizeLabel[r.cell.size]} | ${r.cell.concurrency} | ${r.cell.perSession} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The README table: one row per cell, Parley and baseline side by side. */
export function markdownTable(results: CellResult[]): string {
  return comparisonTable(results, (r) => r.baseline, 'Parley', 'Baseline', 'Parley/baseline', ['latency', 'cpu', 'rss']);
}

/** With --scaling: delivered msg/s of the default worker count against one worker, per cell. */
export function scalingTable(results: CellResult[], workers: string): string {
  return comparisonTable(results, (r) => r.single, workers, '1 worker', 'ratio', ['cpu']);
}

/** With --postfix: Parley (default workers) against Postfix, per cell; the issue's targets are these ratios. */
export function postfixTable(results: CellResult[]): string {
  return comparisonTable(results, (r) => r.postfix, 'Parley', 'Postfix', 'Parley/Postfix', ['latency', 'cpu']);
}
