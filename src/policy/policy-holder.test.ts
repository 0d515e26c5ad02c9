import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/env.js';
import { PolicyConfigError } from './load-policy.js';
import { PolicyHolder } from './policy-holder.js';

const rules = (action: string) => `version: 1\nrules:\n  - { id: r, detector: marketing, direction: both, action: ${action} }\n`;

describe('PolicyHolder', () => {
  it('when the file changes and is valid, then reload puts the new rules in force', async () => {
    const path = join(tempDir(), 'policy.yaml');
    writeFileSync(path, rules('hold'));
    const holder = PolicyHolder.load(path);
    writeFileSync(path, rules('tag'));
    expect(await holder.reload()).toEqual({ ok: true, rules: 1 });
    expect(holder.current().rules[0]!.action).toBe('tag');
  });

  it('when the new file is bad, then the old rules stay and the result says why', async () => {
    const path = join(tempDir(), 'policy.yaml');
    writeFileSync(path, rules('hold'));
    const holder = PolicyHolder.load(path);
    const before = holder.current();
    writeFileSync(path, rules('explode'));
    const result = await holder.reload();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('rules[0] (id "r").action');
    expect(holder.current()).toBe(before);
  });

  it('when the file is missing at start-up, then loading fails with the path', () => {
    expect(() => PolicyHolder.load('/nonexistent/policy.yaml')).toThrow(PolicyConfigError);
    expect(() => PolicyHolder.load('/nonexistent/policy.yaml')).toThrow(/ENOENT/);
  });
});
