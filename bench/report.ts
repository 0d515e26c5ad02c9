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

function fmt(x: number, digits = 1): string {
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
  const ratios =
    `  ${'Parley/base'.padEnd(11)}${head(fmt(ratio(p.acceptedPerSec, b.acceptedPerSec), 2))}${head(fmt(ratio(p.deliveredPerSec, b.deliveredPerSec), 2))}` +
    `${head(fmt(ratio(p.p50Ms, b.p50Ms), 2))}${head(fmt(ratio(p.p99Ms, b.p99Ms), 2))}${head(fmt(ratio(p.cpuMsPerMsg, b.cpuMsPerMsg), 2))}${head(fmt(ratio(p.peakRssMb, b.peakRssMb), 2))}`;
  const greeting =
    r.cell.perSession === 1
      ? `\n  (one session per message: the baseline's smtp-server waits 100 ms before every greeting, which caps it at about ${r.cell.concurrency * 10} msg/s here; Parley waits only for clients it has not seen wait before)`
      : '';
  const extra =
    `  (redis CPU ${p.redisCpuMsPerMsg === null ? 'not visible' : `${fmt(p.redisCpuMsPerMsg, 2)} ms/msg`} in Parley cells; ` +
    `load generator CPU ${fmt(p.clientCpuMsPerMsg, 2)} / ${fmt(b.clientCpuMsPerMsg, 2)} ms/msg)`;
  const scaling: string[] = [];
  if (r.single.length) {
    const one = medianSample(r.single);
    scaling.push(
      row('1 worker', one),
      `  ${'Parley/1w'.padEnd(11)}${head(fmt(ratio(p.acceptedPerSec, one.acceptedPerSec), 2))}${head(fmt(ratio(p.deliveredPerSec, one.deliveredPerSec), 2))}` +
        `${head(fmt(ratio(p.p50Ms, one.p50Ms), 2))}${head(fmt(ratio(p.p99Ms, one.p99Ms), 2))}${head(fmt(ratio(p.cpuMsPerMsg, one.cpuMsPerMsg), 2))}`,
    );
  }
  if (r.postfix.length) {
    const pf = medianSample(r.postfix);
    scaling.push(
      row('Postfix', pf),
      `  ${'Parley/pfx'.padEnd(11)}${head(fmt(ratio(p.acceptedPerSec, pf.acceptedPerSec), 2))}${head(fmt(ratio(p.deliveredPerSec, pf.deliveredPerSec), 2))}` +
        `${head(fmt(ratio(p.p50Ms, pf.p50Ms), 2))}${head(fmt(ratio(p.p99Ms, pf.p99Ms), 2))}${head(fmt(ratio(p.cpuMsPerMsg, pf.cpuMsPerMsg), 2))}`,
    );
  }
  return [
    `── ${cellLabel(r.cell)} ── median of ${r.parley.length}`,
    `  ${''.padEnd(11)}${['acc/s', 'dlv/s', 'p50 ms', 'p99 ms', 'CPU ms', 'RSS MB', 'ΔRSS', 'refused', 'n'].map(head).join('')}`,
    row('Parley', p),
    row('baseline', b),
    ratios,
    ...scaling,
    extra + greeting,
  ].join('\n');
}

/** The README table: one row per cell, Parley and baseline side by side. */
export function markdownTable(results: CellResult[]): string {
  const lines = [
    '| Size | Conc. | Msgs/session | Parley delivered msg/s | Baseline delivered msg/s | Parley/baseline | Parley p50 / p99 ms | Baseline p50 / p99 ms | Parley CPU ms/msg | Baseline CPU ms/msg | Parley peak RSS MB | Baseline peak RSS MB |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    const p = medianSample(r.parley);
    const b = medianSample(r.baseline);
    lines.push(
      `| ${sizeLabel[r.cell.size]} | ${r.cell.concurrency} | ${r.cell.perSession} | ${fmt(p.deliveredPerSec)} | ${fmt(b.deliveredPerSec)} | ${fmt(ratio(p.deliveredPerSec, b.deliveredPerSec), 2)} | ` +
        `${fmt(p.p50Ms)} / ${fmt(p.p99Ms)} | ${fmt(b.p50Ms)} / ${fmt(b.p99Ms)} | ${fmt(p.cpuMsPerMsg, 2)} | ${fmt(b.cpuMsPerMsg, 2)} | ${fmt(p.peakRssMb)} | ${fmt(b.peakRssMb)} |`,
    );
  }
  return lines.join('\n');
}

/** With --scaling: delivered msg/s of the default worker count against one worker, per cell. */
export function scalingTable(results: CellResult[], workers: string): string {
  const lines = [
    `| Size | Conc. | Msgs/session | ${workers} delivered msg/s | 1 worker delivered msg/s | ratio | ${workers} CPU ms/msg | 1 worker CPU ms/msg |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    if (!r.single.length) continue;
    const p = medianSample(r.parley);
    const one = medianSample(r.single);
    lines.push(
      `| ${sizeLabel[r.cell.size]} | ${r.cell.concurrency} | ${r.cell.perSession} | ${fmt(p.deliveredPerSec)} | ${fmt(one.deliveredPerSec)} | ` +
        `${fmt(ratio(p.deliveredPerSec, one.deliveredPerSec), 2)} | ${fmt(p.cpuMsPerMsg, 2)} | ${fmt(one.cpuMsPerMsg, 2)} |`,
    );
  }
  return lines.join('\n');
}

/** With --postfix: Parley (default workers) against Postfix, per cell; the issue's targets are these ratios. */
export function postfixTable(results: CellResult[]): string {
  const lines = [
    '| Size | Conc. | Msgs/session | Parley delivered msg/s | Postfix delivered msg/s | Parley/Postfix | Parley p50 / p99 ms | Postfix p50 / p99 ms | Parley CPU ms/msg | Postfix CPU ms/msg |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of results) {
    if (!r.postfix.length) continue;
    const p = medianSample(r.parley);
    const pf = medianSample(r.postfix);
    lines.push(
      `| ${sizeLabel[r.cell.size]} | ${r.cell.concurrency} | ${r.cell.perSession} | ${fmt(p.deliveredPerSec)} | ${fmt(pf.deliveredPerSec)} | ` +
        `${fmt(ratio(p.deliveredPerSec, pf.deliveredPerSec), 2)} | ${fmt(p.p50Ms)} / ${fmt(p.p99Ms)} | ${fmt(pf.p50Ms)} / ${fmt(pf.p99Ms)} | ${fmt(p.cpuMsPerMsg, 2)} | ${fmt(pf.cpuMsPerMsg, 2)} |`,
    );
  }
  return lines.join('\n');
}
