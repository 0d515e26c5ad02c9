import type { Finding, Verdict } from '../policy/types.js';
import type { QuarantineInput, ReviewFinding } from '../quarantine/quarantine-record.js';
import type { Conversation } from './forward-message.js';
import type { ParsedMessage } from './parse-message.js';

/** Characters of context either side of a match: a sentence or so, enough for a reviewer to judge. */
const CONTEXT = 80;

/** What the quarantine keeps of a message the policy held or rejected: the original, the findings, and why. */
export function quarantineInput(args: {
  id: string;
  status: 'held' | 'rejected';
  conversation: Conversation;
  verdict: Verdict;
  parsed: ParsedMessage;
  raw: Buffer;
  envelopeFrom: string;
  now: number;
}): QuarantineInput {
  const { conversation: c, verdict, parsed } = args;
  const stopping = verdict.findings.filter((f) => f.action === verdict.action);
  return {
    id: args.id,
    status: args.status,
    pairId: c.pair.id,
    direction: c.direction,
    sellerId: c.direction === 'seller_to_buyer' ? c.sender.id : c.recipient.id,
    senderId: c.sender.id,
    recipientId: c.recipient.id,
    rules: [...new Set(stopping.map((f) => f.ruleId))],
    findings: verdict.findings.map((f) => withContext(f, parsed)),
    raw: args.raw,
    envelopeFrom: args.envelopeFrom,
    subject: parsed.mail.subject ?? '',
    renderedText: parsed.mail.text ?? '',
    attachments: parsed.mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
    createdAt: args.now,
  };
}

function withContext(f: Finding, parsed: ParsedMessage): ReviewFinding {
  const text = partText(f.part, parsed);
  if (text === undefined || text.slice(f.start, f.end) !== f.match) return { ...f, context: { before: '', match: f.match, after: '' } };
  const squash = (s: string) => s.replace(/\s+/g, ' ');
  return {
    ...f,
    context: {
      before: squash(text.slice(Math.max(0, f.start - CONTEXT), f.start)).trimStart(),
      match: f.match,
      after: squash(text.slice(f.end, f.end + CONTEXT)).trimEnd(),
    },
  };
}

/** The text a finding's offsets index (see PartId in policy/types.ts); undefined for parts we cannot show. */
function partText(part: string, parsed: ParsedMessage): string | undefined {
  const { mail } = parsed;
  if (part === 'subject') return mail.subject ?? '';
  if (part === 'text') return mail.text;
  if (part === 'html') return mail.html || undefined;
  const indexed = /^(display-name|attachment-name|attachment)\[(\d+)\]$/.exec(part);
  if (!indexed) return undefined;
  const i = Number(indexed[2]);
  if (indexed[1] === 'display-name') return parsed.displayNames[i];
  if (indexed[1] === 'attachment-name') return mail.attachments[i]?.filename;
  return mail.attachments[i]?.content.toString('utf8');
}
