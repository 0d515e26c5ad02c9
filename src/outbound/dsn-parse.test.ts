import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDsn } from './dsn-parse.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../test/fixtures/bounces/${name}`, import.meta.url));

describe('parseDsn on bounces as real MTAs send them', () => {
  it('when Gmail reports an unknown address, then failed 5.1.1 with the unfolded diagnostic, ignoring the returned original', async () => {
    const parsed = await parseDsn(fixture('gmail-no-such-user.eml'));
    expect(parsed).toMatchObject({ action: 'failed', status: '5.1.1', permanent: true, finalRecipient: 'jiwoo.kim.nonexistent@gmail.com' });
    expect(parsed?.diagnostic).toMatch(/^550-5\.1\.1 The email account that you tried to reach does not exist\. .* - gsmtp$/);
  });

  it('when Postfix reports an unknown user, then failed 5.1.1 with the type prefix stripped from the diagnostic', async () => {
    expect(await parseDsn(fixture('postfix-user-unknown.eml'))).toEqual({
      action: 'failed',
      status: '5.1.1',
      permanent: true,
      finalRecipient: 'ceo.private@hidden-shop.example',
      diagnostic: '550 5.1.1 <ceo.private@hidden-shop.example>: Recipient address rejected: User unknown in virtual mailbox table',
    });
  });

  it('when Postfix warns of a delay, then delayed 4.4.1 and not permanent', async () => {
    expect(await parseDsn(fixture('postfix-delayed.eml'))).toMatchObject({ action: 'delayed', status: '4.4.1', permanent: false });
  });

  it('when Exchange Online reports a missing recipient, then failed 5.1.10', async () => {
    expect(await parseDsn(fixture('exchange-online-recipient-not-found.eml'))).toMatchObject({
      action: 'failed',
      status: '5.1.10',
      permanent: true,
      diagnostic: '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup',
    });
  });

  it('when qmail sends a plain-text failure notice, then the status found in the text is used', async () => {
    expect(await parseDsn(fixture('qmail-failure-notice.eml'))).toEqual({
      status: '5.2.1',
      permanent: true,
      diagnostic: 'Remote host said: 550 5.2.1 <oldtimer@old-host.example>... Mailbox disabled for this recipient',
    });
  });

  it('when an old Sendmail transcript has only a basic 550, then it is read as 5.0.0 permanent', async () => {
    expect(await parseDsn(fixture('sendmail-legacy-no-enhanced-code.eml'))).toMatchObject({ status: '5.0.0', permanent: true });
  });

  it('when an out-of-office reply reaches the VERP address, then it is not a bounce, even though it mentions 5.1.1', async () => {
    expect(await parseDsn(fixture('out-of-office.eml'))).toBeNull();
  });

  it('when a report says the message was delivered, then there is nothing to bounce', async () => {
    const raw = Buffer.from(
      [
        'From: MAILER-DAEMON@x.example',
        'Subject: Successful Mail Delivery Report',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; x.example',
        '',
        'Final-Recipient: rfc822; a@x.example',
        'Action: delivered',
        'Status: 2.0.0',
        '',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(await parseDsn(raw)).toBeNull();
  });
});
