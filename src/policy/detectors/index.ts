import type { DuplicateCounter } from '../duplicate-counter.js';
import type { DetectorOptions } from '../policy-schema.js';
import { DETECTOR_IDS, type DetectorId } from '../types.js';
import { contactChannelDetector } from './contact-channel.js';
import { contactRequestDetector } from './contact-request.js';
import type { Detector } from './detector.js';
import { foreignAddressDetector } from './foreign-address.js';
import { knownAddressDetector } from './known-address.js';
import { marketingDetector } from './marketing.js';
import { reviewManipulationDetector } from './review-manipulation.js';

export type { Detector } from './detector.js';

export interface DetectorDeps {
  duplicates: DuplicateCounter;
}

/**
 * The closed list of detectors. Adding one means adding it here, to DETECTOR_IDS and to the policy schema;
 * nothing registers itself from elsewhere. Detectors do not see each other's findings (foreign-address reads
 * the known addresses from the scan context), so the order only sets the order findings are produced in.
 */
export function createDetectors(options: DetectorOptions, deps: DetectorDeps): readonly Detector[] {
  const list = [
    knownAddressDetector(),
    foreignAddressDetector(options['foreign-address']),
    contactChannelDetector(options['contact-channel']),
    contactRequestDetector(),
    marketingDetector(options.marketing, deps.duplicates),
    reviewManipulationDetector(),
  ] satisfies Detector[];
  assertComplete(list.map((d) => d.id));
  return list;
}

/** The list above and DETECTOR_IDS must agree, or rules could name a detector that never runs. */
function assertComplete(ids: DetectorId[]): void {
  const missing = DETECTOR_IDS.filter((id) => !ids.includes(id));
  if (missing.length > 0 || new Set(ids).size !== ids.length) throw new Error(`detector list out of step with DETECTOR_IDS: ${ids.join(', ')}`);
}
