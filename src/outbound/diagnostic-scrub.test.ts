import { describe, expect, it } from 'vitest';
import { scrubDiagnostic } from './diagnostic-scrub.js';

const ctx = { realRecipient: 'Jiwoo.Kim@Personal-Mail.example', recipientAlias: 'k5zq3n7vt2xw4y6abcdefghijk@relay.example' };
const leaks = ['jiwoo', 'personal-mail', '203.0.113', '2001:db8', 'google', 'mx1', 'hidden'];

function expectClean(out: string): void {
  for (const leak of leaks) expect(out.toLowerCase()).not.toContain(leak);
}

describe('scrubDiagnostic', () => {
  it('when Postfix quotes the real address in brackets with its MX host and IP, then the alias and "remote server" replace them', () => {
    const out = scrubDiagnostic(
      'host mx1.personal-mail.example[203.0.113.5] said: 550 5.1.1 <JIWOO.KIM@personal-mail.EXAMPLE>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)',
      ctx,
    );
    expect(out).toBe(
      `host remote server said: 550 5.1.1 <${ctx.recipientAlias}>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)`,
    );
  });

  it('when Gmail answers with a help link and a host-specific trace, then the link goes and the reason stays', () => {
    const out = scrubDiagnostic(
      "550-5.1.1 The email account that you tried to reach does not exist. For more information, go to 550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-a8d25a1c1e5si1234567a.7 - gsmtp",
      ctx,
    );
    expectClean(out);
    expect(out).toContain('550-5.1.1 The email account that you tried to reach does not exist.');
    expect(out).toContain('[link removed]');
  });

  it('when only the local part of the real address appears, then it becomes the alias; a longer word containing it does not', () => {
    expect(scrubDiagnostic('552 5.2.2 mailbox jiwoo.kim is over quota', ctx)).toBe(`552 5.2.2 mailbox ${ctx.recipientAlias} is over quota`);
    expect(scrubDiagnostic('user "Jiwoo.Kim" unknown', ctx)).toBe(`user "${ctx.recipientAlias}" unknown`);
    const sunny = { realRecipient: 'sunny@legacy.example', recipientAlias: ctx.recipientAlias };
    expect(scrubDiagnostic('mailbox Sunny is full; sunnyside and asunny are other words', sunny)).toBe(
      `mailbox ${ctx.recipientAlias} is full; sunnyside and asunny are other words`,
    );
  });

  it('when other addresses of the recipient side appear, then they are removed; the same mailbox on another host becomes the alias', () => {
    const out = scrubDiagnostic('forwarding jiwoo.kim@mail2.personal-mail.example to backup@family.example failed', ctx);
    expect(out).toBe(`forwarding ${ctx.recipientAlias} to [address removed] failed`);
  });

  it('when IPv4 and IPv6 literals appear, then they become "remote server"; times and status codes stay', () => {
    const out = scrubDiagnostic('421 4.7.0 [IPv6:2001:db8::25] and [203.0.113.9] and ::ffff:192.0.2.1 busy since 10:00:00, try 4.7.0 later', ctx);
    expect(out).toBe('421 4.7.0 [remote server] and [remote server] and remote server busy since 10:00:00, try 4.7.0 later');
  });

  it('when Exchange names a component and reason, then it is kept, while its host names go', () => {
    const out = scrubDiagnostic(
      "Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' on CH3PR12MB1234.namprd12.prod.outlook.com",
      ctx,
    );
    expect(out).toBe("Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup' on remote server");
  });

  it('when the server we talked to has a single-label name, then the given remote host list removes it too', () => {
    expect(scrubDiagnostic('mailgate1 refused the connection', { ...ctx, remoteHosts: ['mailgate1'] })).toBe('remote server refused the connection');
  });

  it('when the text is already clean, then it is unchanged and the alias domain survives', () => {
    const text = `550 5.1.1 <${ctx.recipientAlias}> no such user`;
    expect(scrubDiagnostic(text, ctx)).toBe(text);
  });
});
