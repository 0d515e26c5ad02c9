/**
 * V8's young generation for a relay process. Each message allocates a few hundred kilobytes of short-lived
 * objects (parsed parts, scan text, the rebuilt message); V8's default semi-spaces (16 MB here) fill quickly
 * and each scavenge copies, or promotes, what is merely in flight. With 64 MB, at 2 KB and c=50, one worker
 * used 0.92× the CPU per message and moved 1.18× the messages (`npm run bench:ab -- --against=HEAD --reps=16
 * --node-args-a=--max-semi-space-size=16`), and its share of time in the collector fell from 6.4 % to 4.4 %.
 * The gain grows with the messages in flight per worker: two workers sharing c=50 measured 1.00× (16 reps), and
 * c=10 nothing either. The price is up to ~100 MB more RSS per worker under load.
 *
 * The launch commands set it as NODE_OPTIONS when the operator has none (package.json `start`, the Dockerfile,
 * the bench), and the primary gives it to workers whose options lack it. A value of the operator's own, in
 * NODE_OPTIONS or on node's command line, wins.
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size=64';

const SEMI_SPACE = /(^|\s)--max[-_]semi[-_]space[-_]size\b/;

/** Node options for a worker: the parent's, plus the young generation size unless one is set already. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const set = execArgv.some((a) => SEMI_SPACE.test(a)) || SEMI_SPACE.test(nodeOptions ?? '');
  return set ? [...execArgv] : [...execArgv, YOUNG_GENERATION_FLAG];
}
