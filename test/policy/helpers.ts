import { join } from 'node:path';
import { open } from 'lmdb';
import { onTestFinished } from 'vitest';
import { loadPolicyFileSync } from '../../src/policy/load-policy.js';
import { PolicyEngine, type ScanInput } from '../../src/policy/scan.js';
import { EmbeddedDuplicateCounter } from '../../src/storage/embedded/embedded-duplicate-counter.js';
import { tempDir } from '../helpers/env.js';

/** The real embedded duplicate counter in a temp directory, closed when the test ends. */
export function lmdbCounter(): EmbeddedDuplicateCounter {
  const root = open({ path: join(tempDir(), 'store'), maxDbs: 4, compression: false });
  onTestFinished(() => root.close());
  return new EmbeddedDuplicateCounter(root);
}

/** An engine with the shipped config/policy.yaml. */
export function defaultEngine(): PolicyEngine {
  return new PolicyEngine(loadPolicyFileSync('config/policy.yaml'), { duplicates: lmdbCounter() });
}

export function scanInput(over: Partial<ScanInput> = {}): ScanInput {
  return {
    direction: 'seller_to_buyer',
    sellerId: 'seller-1',
    day: '2026-11-23',
    aliasDomain: 'relay.test',
    subject: 'Your order',
    displayNames: [],
    attachments: [],
    headers: new Map(),
    knownAddresses: [],
    ...over,
  };
}
