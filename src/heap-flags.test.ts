import { describe, expect, it } from 'vitest';
import { workerExecArgv, YOUNG_GENERATION_FLAG } from './heap-flags.js';

describe('workerExecArgv', () => {
  it('when nothing sets the young generation, then the worker gets the flag after the parent options', () => {
    expect(workerExecArgv(['--import', 'tsx'], undefined)).toEqual(['--import', 'tsx', YOUNG_GENERATION_FLAG]);
    expect(workerExecArgv([], '--enable-source-maps')).toEqual([YOUNG_GENERATION_FLAG]);
  });

  it("when the operator's command line or NODE_OPTIONS sets it, then their value stands alone", () => {
    expect(workerExecArgv(['--max-semi-space-size=16'], undefined)).toEqual(['--max-semi-space-size=16']);
    expect(workerExecArgv(['--max_semi_space_size=8'], '')).toEqual(['--max_semi_space_size=8']);
    expect(workerExecArgv(['--import', 'tsx'], '--enable-source-maps --max-semi-space-size=128')).toEqual(['--import', 'tsx']);
  });

  it('when an option merely starts alike, then it is not taken for the young generation', () => {
    expect(workerExecArgv(['--max-semi-space-sizes=1'], '--max-old-space-size=4096')).toEqual(['--max-semi-space-sizes=1', YOUNG_GENERATION_FLAG]);
  });
});
