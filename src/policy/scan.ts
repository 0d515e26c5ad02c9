import { createDetectors, type Detector } from './detectors/index.js';
import type { MessageFacts, ScanContext } from './detectors/detector.js';
import type { DuplicateCounter } from './duplicate-counter.js';
import { applyMasks } from './mask.js';
import { inspectSegments } from './inspect-segments.js';
import type { Policy } from './policy-schema.js';
import type { PolicySource } from './policy-holder.js';
import { decide } from './rule-engine.js';
import { extractSegments } from './segments.js';
import type { Direction, Hit, MaskableContent, Verdict } from './types.js';

/** One message as the relay hands it over, MIME already decoded. */
export interface ScanInput {
  direction: Direction;
  sellerId: string;
  /** The sender's calendar day, YYYY-MM-DD: the window for counting near-duplicate bodies. */
  day: string;
  aliasDomain: string;
  subject: string;
  displayNames: string[];
  text?: string;
  html?: string;
  attachments: { filename?: string; contentType: string; content: Buffer }[];
  /** Lower-case header name → raw values, for List-Unsubscribe and Precedence. */
  headers: Map<string, string[]>;
  /** Both parties' real addresses, each with the alias that replaces it. */
  knownAddresses: { address: string; alias: string }[];
}

export interface PolicyEngineDeps {
  duplicates: DuplicateCounter;
}

/**
 * The content policy in one call: read every scannable part, run the detectors, fold their hits through the
 * rules into a verdict. The rules are fetched per message, so a reload takes effect on the next message.
 */
export class PolicyEngine {
  private readonly source: PolicySource;
  private readonly built = new WeakMap<Policy, readonly Detector[]>();

  constructor(
    policy: PolicySource | Policy,
    private readonly deps: PolicyEngineDeps,
  ) {
    this.source = 'current' in policy ? policy : { current: () => policy };
  }

  async scan(input: ScanInput): Promise<Verdict> {
    const policy = this.source.current();
    const detectors = this.detectorsFor(policy);
    const ctx = contextOf(input);
    const { segments, html } = await extractSegments(input);
    const inText = inspectSegments(segments, detectors, ctx);
    const facts: MessageFacts = { sellerId: input.sellerId, day: input.day, headers: input.headers, bodyText: inText.body };
    if (html) facts.html = html;
    const inMessage: Hit[] = [];
    for (const d of detectors) {
      if (!d.inspectMessage) continue;
      for (const h of await d.inspectMessage(facts, ctx)) inMessage.push(h.part === 'html' && input.html ? { ...h, match: input.html.slice(h.start, h.end) } : h);
    }
    return decide(inReadingOrder([...inText.hits, ...inMessage]), policy.rules, input.direction, (part) => inText.maskable.has(part));
  }

  /** Applies a verdict's masks; see mask.ts. */
  applyMasks(content: MaskableContent, verdict: Verdict): MaskableContent {
    return applyMasks(content, verdict);
  }

  private detectorsFor(policy: Policy): readonly Detector[] {
    let list = this.built.get(policy);
    if (!list) {
      list = createDetectors(policy.detectors, this.deps);
      this.built.set(policy, list);
    }
    return list;
  }
}

function contextOf(input: ScanInput): ScanContext {
  return {
    direction: input.direction,
    aliasDomain: input.aliasDomain.toLowerCase(),
    knownAddresses: new Map(input.knownAddresses.map((k) => [k.address.trim().toLowerCase(), k.alias])),
  };
}

/** Findings part by part (in the order parts appear), then by position: how a reviewer reads them. */
function inReadingOrder(hits: Hit[]): Hit[] {
  const partOrder = new Map<string, number>();
  for (const h of hits) if (!partOrder.has(h.part)) partOrder.set(h.part, partOrder.size);
  return [...hits].sort((a, b) => partOrder.get(a.part)! - partOrder.get(b.part)! || a.start - b.start || a.end - b.end);
}
