import { simpleParser } from 'mailparser';
import { clampDiagnostic, enhancedStatusIn } from './smtp-reply.js';

export interface ParsedDsn {
  status?: string;
  action?: string;
  /** Unscrubbed: it may name the real recipient and hosts. Pass it through scrubDiagnostic before quoting it. */
  diagnostic?: string;
  permanent: boolean;
  finalRecipient?: string;
}

/**
 * Bounces are small. Anything past this is the returned original (after the report part) or an attack on the
 * parser; the report is near the start, so it survives the cut.
 */
const MAX_BYTES = 1_000_000;
/** Fallback text search is bounded the same way: a bounce's human part is a few lines. */
const MAX_TEXT = 64_000;

const statusRe = /\b([245]\.\d{1,3}\.\d{1,3})\b/;
const reportTypes = new Set(['message/delivery-status', 'message/global-delivery-status']);
const bounceSenderRe = /^(?:mailer-daemon|postmaster|mail-daemon|mdaemon|bounces?)@/i;
const bounceSubjectRe = /undeliver|delivery (?:status notification|failure|has failed|problem)|returned mail|failure notice|non-?delivery|mail delivery failed|could not be delivered/i;

/**
 * Reads a bounce sent to one of our VERP addresses. Standard reports (RFC 3464) are read field by field; common
 * non-standard bounces (qmail, old Sendmail) fall back to a status code found in the text, but only when the
 * message looks like a bounce — an out-of-office reply quoting "5.1.1" is not one.
 *
 * null: not a failure or delay report (a success report, an auto-reply, anything else), so nothing to bounce.
 */
export async function parseDsn(raw: Buffer): Promise<ParsedDsn | null> {
  const mail = await simpleParser(raw.subarray(0, MAX_BYTES), {
    keepDeliveryStatus: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    maxHtmlLengthToParse: MAX_TEXT,
  });
  const report = mail.attachments.find((a) => reportTypes.has(a.contentType.toLowerCase()));
  if (report) return fromReport(report.content.toString('utf8'));

  const from = mail.from?.value[0]?.address ?? '';
  if (!bounceSenderRe.test(from) && !bounceSubjectRe.test(mail.subject ?? '')) return null;
  return fromText((mail.text ?? '').slice(0, MAX_TEXT));
}

function fromReport(body: string): ParsedDsn | null {
  const recipients = fieldGroups(body).filter((g) => g.has('action') || g.has('final-recipient'));
  const chosen = recipients.find((g) => /^failed/i.test(g.get('action') ?? '')) ?? recipients.find((g) => /^delayed/i.test(g.get('action') ?? ''));
  if (!chosen) return null;
  const action = chosen.get('action')!.split(/[\s(]/)[0]!.toLowerCase();
  const status = statusRe.exec(chosen.get('status') ?? '')?.[1];
  const diagnosticField = chosen.get('diagnostic-code');
  const diagnostic = diagnosticField === undefined ? undefined : clampDiagnostic(diagnosticField.replace(/^[\w-]+\s*;\s*/, ''));
  const finalRecipient = chosen.get('final-recipient')?.replace(/^[\w-]+\s*;\s*/, '').trim();
  return {
    action,
    ...(status ? { status } : {}),
    ...(diagnostic ? { diagnostic } : {}),
    ...(finalRecipient ? { finalRecipient } : {}),
    permanent: action === 'failed',
  };
}

function fromText(text: string): ParsedDsn | null {
  const lines = text.split(/\r?\n/);
  // Prefer a line with a full SMTP reply ("550 5.1.1 …"), then any enhanced code, then a bare 4xx/5xx reply.
  const withReply = lines.find((l) => /\b[45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b/.test(l));
  const line = withReply ?? lines.find((l) => statusRe.test(l)) ?? lines.find((l) => /(?:^|\s)[45]\d\d[ -]\S/.test(l));
  if (!line) return null;
  const enhanced = enhancedStatusIn(line.replace(/^.*?(?=\b[45]\d\d[ -])/, ''));
  const basic = /(?:^|\s)([45])\d\d[ -]\S/.exec(line)?.[1];
  const status = enhanced ?? (basic ? `${basic}.0.0` : undefined);
  if (!status || status.startsWith('2')) return null;
  return { status, diagnostic: clampDiagnostic(line), permanent: status.startsWith('5') };
}

/** Blank-line separated groups of `Name: value` fields, folded lines joined, names lowercased. */
function fieldGroups(body: string): Map<string, string>[] {
  const groups: Map<string, string>[] = [];
  for (const block of body.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of block.split('\n')) {
      const field = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/.exec(line);
      if (field) {
        last = field[1]!.toLowerCase();
        // The first occurrence wins: a duplicated field is malformed, and the first is what MTAs wrote.
        if (!fields.has(last)) fields.set(last, field[2]!.trim());
        else last = undefined;
      } else if (last && /^[ \t]/.test(line)) {
        fields.set(last, `${fields.get(last)!} ${line.trim()}`);
      }
    }
    if (fields.size > 0) groups.push(fields);
  }
  return groups;
}
