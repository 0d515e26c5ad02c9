// Command-line flags (or BENCH_* variables) and the matrix of cells they select. The quick default picks the
// cells the targets are about and finishes in a few minutes on 2 cores; --full runs every combination.
import { SIZE_CLASSES, sizeLabel, type SizeClass } from './messages.js';

export interface Cell {
  size: SizeClass;
  concurrency: number;
  perSession: number;
}

export interface Options {
  cells: Cell[];
  reps: number;
  /** Load duration of a 2 KB / 100 KB cell; 10 MB cells get twice as long to send more than a handful. */
  seconds: number;
  /** Load before the first cell, per system: each worker's JIT needs a few thousand messages to settle. */
  warmUpSeconds: number;
  sellers: number;
  /** Loopback source addresses the load comes from; 1 = everything from 127.0.0.1. */
  clientIps: number;
  koreanShare: number;
  baselineMode: 'async' | 'sync';
  profile: boolean;
  /** Also run a one-worker Parley beside the default one, sharing Redis, and report throughput per worker count. */
  scaling: boolean;
  /** Also run a private Postfix instance as a rewriting relay in the rotation (needs the package and root). */
  postfix: boolean;
  /** Relays greet every client with the 100 ms pause (PARLEY_GREET_PASS_TTL=0), and no client is introduced first. */
  firstContact: boolean;
  keep: boolean;
  seed: number;
  full: boolean;
}

export const USAGE = `npm run bench -- [flags]        (each flag also reads BENCH_<NAME>, e.g. BENCH_REPS=5)
  --full                 every size × concurrency × messages-per-session (long)
  --sizes=2k,100k,10m    --concurrency=1,10,50    --per-session=1,20    (any of these: their full product)
  --reps=3               repetitions of each cell (medians are quoted)
  --seconds=3            load duration per cell (5 with --full; doubled for 10 MB)
  --warm-up=20           seconds of 2 KB load (c=10, 10 per session) on each system before the first cell
  --sellers=200          seller parties, as many buyers, 2 pairs each (each party sends ≤ 250 messages per run)
  --client-ips=4096      loopback source addresses (127.x.y.z) the load comes from, as an MX's clients would
  --korean-share=0.3     share of messages written in Korean
  --baseline-mode=async  async: 250 once received; sync: 250 after the far end's 250
  --profile              run the relay with --cpu-prof and print its top self-time functions
  --scaling              also run a one-worker relay (same Redis) in the rotation: workers/1-worker ratios
  --postfix              also run a private Postfix rewriting relay (Debian's postfix package, root) in the rotation
  --first-contact        every session is a first contact: Parley pauses 100 ms before every greeting
                         (PARLEY_GREET_PASS_TTL=0); by default each client address has one session first
  --keep                 keep the temporary directory (logs, spool, profiles)
  --seed=1               message mix seed`;

/** Cells the targets speak of: 2 KB at c=10 and c=50 one per session, CPU per 2 KB/100 KB, one 10 MB at a time. */
const QUICK: Cell[] = [
  { size: '2k', concurrency: 1, perSession: 20 },
  { size: '2k', concurrency: 10, perSession: 1 },
  { size: '2k', concurrency: 50, perSession: 1 },
  { size: '2k', concurrency: 50, perSession: 20 },
  { size: '100k', concurrency: 10, perSession: 20 },
  { size: '10m', concurrency: 1, perSession: 5 },
];

function list<T>(value: string, parse: (s: string) => T): T[] {
  return value.split(',').map((s) => parse(s.trim()));
}

function positive(name: string) {
  return (s: string): number => {
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${s}"`);
    return n;
  };
}

function sizeClass(s: string): SizeClass {
  const size = s.toLowerCase() as SizeClass;
  if (!SIZE_CLASSES.includes(size)) throw new Error(`--sizes: expected ${SIZE_CLASSES.join(', ')}, got "${s}"`);
  return size;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options | 'help' {
  const flags = new Map<string, string>();
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return 'help';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  const known = ['full', 'sizes', 'concurrency', 'per-session', 'reps', 'seconds', 'warm-up', 'sellers', 'client-ips', 'korean-share', 'baseline-mode', 'profile', 'scaling', 'postfix', 'first-contact', 'keep', 'seed'];
  for (const name of flags.keys()) if (!known.includes(name)) throw new Error(`unknown flag --${name}\n${USAGE}`);
  const get = (name: string): string | undefined => flags.get(name) ?? env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];
  const bool = (name: string) => ['true', '1', 'yes'].includes(get(name) ?? '');

  const full = bool('full');
  const sizes = get('sizes');
  const concurrency = get('concurrency');
  const perSession = get('per-session');
  let cells = QUICK;
  if (full || sizes || concurrency || perSession) {
    cells = [];
    for (const size of sizes ? list(sizes, sizeClass) : [...SIZE_CLASSES])
      for (const c of concurrency ? list(concurrency, positive('concurrency')) : [1, 10, 50])
        for (const p of perSession ? list(perSession, positive('per-session')) : [1, 20]) cells.push({ size, concurrency: c, perSession: p });
  }
  const mode = get('baseline-mode') ?? 'async';
  if (mode !== 'async' && mode !== 'sync') throw new Error(`--baseline-mode: expected async or sync, got "${mode}"`);
  const share = Number(get('korean-share') ?? 0.3);
  if (!(share >= 0 && share <= 1)) throw new Error('--korean-share: expected a number from 0 to 1');
  return {
    cells,
    reps: positive('reps')(get('reps') ?? '3'),
    seconds: positive('seconds')(get('seconds') ?? (full ? '5' : '3')),
    warmUpSeconds: positive('warm-up')(get('warm-up') ?? '20'),
    sellers: positive('sellers')(get('sellers') ?? '200'),
    clientIps: positive('client-ips')(get('client-ips') ?? '4096'),
    koreanShare: share,
    baselineMode: mode,
    profile: bool('profile'),
    scaling: bool('scaling'),
    postfix: bool('postfix'),
    firstContact: bool('first-contact'),
    keep: bool('keep'),
    seed: positive('seed')(get('seed') ?? '1'),
    full,
  };
}

export function cellLabel(c: Cell): string {
  return `${sizeLabel[c.size]} · c=${c.concurrency} · ${c.perSession} msg/session`;
}
