import type { Verdict } from '../policy/types.js';
import type { PolicyEngine } from '../policy/scan.js';
import type { Conversation } from './forward-message.js';
import type { ParsedMessage } from './parse-message.js';

/**
 * Hands the parsed message to the content policy: every part the parser decoded, and both parties' real
 * addresses with the alias that replaces each (quoting and signing your own address is not a violation).
 */
export function scanContent(policy: Pick<PolicyEngine, 'scan'>, parsed: ParsedMessage, c: Conversation, aliasDomain: string, now: number): Promise<Verdict> {
  const { mail } = parsed;
  return policy.scan({
    direction: c.direction,
    sellerId: c.direction === 'seller_to_buyer' ? c.sender.id : c.recipient.id,
    day: new Date(now).toISOString().slice(0, 10),
    aliasDomain,
    subject: mail.subject ?? '',
    displayNames: parsed.displayNames,
    text: mail.text,
    html: mail.html || undefined,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    headers: parsed.headers,
    knownAddresses: [
      ...c.sender.emails.map((address) => ({ address, alias: c.senderAlias })),
      ...c.recipient.emails.map((address) => ({ address, alias: c.recipientAlias })),
    ],
  });
}
