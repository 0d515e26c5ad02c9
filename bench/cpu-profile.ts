// `--profile`: reads the .cpuprofile files Node writes for the relay process(es) (--cpu-prof) and prints where
// the CPU went — by function and by module — so the hot path can be taken apart without opening DevTools.
// Self time only: a function's total time would charge the pipeline's one `relay()` call with everything.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The relay waiting on sockets. ((program) stays in: it is native time not attributed to a JS frame.) */
const IDLE = new Set(['(idle)']);

/** Short, stable names: `pkg` for dependencies, `src/dir/file.ts` for Parley, `node:…` for Node internals. */
function moduleOf(url: string, fn: string): string {
  // (garbage collector), (program); other frames without a script are native functions (fsync, writeUtf8String).
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const src = /\/((?:src|bench|test)\/.*)$/.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

/** tsx compiles each source file onto one line, so a line number there says nothing: show the file alone. */
function where(url: string, line: number): string {
  return line > 0 ? `${moduleOf(url, '')}:${line + 1}` : moduleOf(url, '');
}

function table(rows: [string, number][], total: number, limit: number): string[] {
  return rows
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => `  ${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/**
 * The innermost Parley function (src/) on the sample's stack: charges a library's or Node's time to the stage
 * that called it — which is the question a profile of the relay answers ("DKIM signing parses the key").
 */
function parleyFrame(id: number, nodes: Map<number, ProfileNode>, parents: Map<number, number>, memo: Map<number, string>): string {
  const known = memo.get(id);
  if (known !== undefined) return known;
  const node = nodes.get(id);
  let frame = '(outside Parley code: event loop, sockets, GC)';
  if (node && /\/src\//.test(node.callFrame.url)) {
    frame = `${node.callFrame.functionName || '(anonymous)'}  ${where(node.callFrame.url, node.callFrame.lineNumber)}`;
  } else if (parents.has(id)) frame = parleyFrame(parents.get(id)!, nodes, parents, memo);
  memo.set(id, frame);
  return frame;
}

/** Summary of every profile in the directory (one per process or thread of the relay), or why there is none. */
export function summarizeProfiles(dir: string, limit = 25): string {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    files = [];
  }
  if (!files.length) return `no .cpuprofile in ${dir}: the relay did not exit cleanly on SIGTERM`;
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const byStage = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parents = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
    const memo = new Map<number, string>();
    // timeDeltas[i + 1] is the time from sample i to the next: the time sample i's function was on the CPU.
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i]!);
      const us = profile.timeDeltas[i + 1] ?? 0;
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const fn = functionName || '(anonymous)';
      if (IDLE.has(fn)) {
        idleUs += us;
        continue;
      }
      busyUs += us;
      const mod = moduleOf(url, fn);
      const key = url ? `${fn}  ${where(url, lineNumber)}` : fn;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
      byModule.set(mod, (byModule.get(mod) ?? 0) + us);
      const stage = parleyFrame(node.id, nodes, parents, memo);
      byStage.set(stage, (byStage.get(stage) ?? 0) + us);
    }
  }
  return [
    `CPU profile of the relay (${files.length} profile${files.length > 1 ? 's: one per process or thread' : ''}, ${dir}): ${(busyUs / 1e6).toFixed(1)} s busy, ${(idleUs / 1e6).toFixed(1)} s idle`,
    'Top self time by module:',
    ...table([...byModule], busyUs, 15),
    'Top self time by function:',
    ...table([...byFunction], busyUs, limit),
    'Time charged to the innermost Parley function on the stack (what each stage costs, libraries included):',
    ...table([...byStage], busyUs, limit),
  ].join('\n');
}
