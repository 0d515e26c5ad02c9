import { describe, expect, it } from 'vitest';
import { classifySendError, enhancedStatusIn } from './smtp-reply.js';

const smtpError = (responseCode: number, response: string, code = 'EENVELOPE') => Object.assign(new Error('x'), { code, responseCode, response });

describe('classifying a failed send', () => {
  it('when the remote answers 5xx, then the failure is permanent with its code and enhanced status', () => {
    expect(classifySendError(smtpError(550, '550 5.1.1 <a@x.example>: User unknown'))).toEqual({
      kind: 'permanent',
      code: 550,
      enhanced: '5.1.1',
      diagnostic: '550 5.1.1 <a@x.example>: User unknown',
    });
  });

  it('when the remote answers 4xx, or the connection or DNS fails, then the failure is temporary', () => {
    expect(classifySendError(smtpError(451, '451 4.7.1 Greylisted, try again'))).toMatchObject({ kind: 'temporary', code: 451, enhanced: '4.7.1' });
    expect(classifySendError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' }))).toEqual({
      kind: 'temporary',
      diagnostic: 'connect ECONNREFUSED 127.0.0.1:25',
    });
    expect(classifySendError(Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' }))).toMatchObject({ kind: 'temporary' });
  });

  it('when the smarthost refuses our credentials (535) or wants some (530), or the session is out of step (503), then it is temporary: our fault, not the sender\'s', () => {
    expect(classifySendError(smtpError(535, '535 5.7.8 Authentication credentials invalid', 'EAUTH'))).toMatchObject({ kind: 'temporary', code: 535 });
    expect(classifySendError(smtpError(530, '530 5.7.0 Authentication required'))).toMatchObject({ kind: 'temporary', code: 530 });
    expect(classifySendError(smtpError(503, '503 5.5.1 Bad sequence of commands'))).toMatchObject({ kind: 'temporary', code: 503 });
  });

  it('when the remote reply is huge or carries control characters, then the diagnostic is one bounded line', () => {
    const result = classifySendError(smtpError(550, `550 5.7.1 ${'spam '.repeat(1000)}\r\n\u0000tail`));
    expect(result.kind === 'delivered' ? '' : result.diagnostic).toMatch(/^550 5\.7\.1 (spam )+/);
    expect(result.kind === 'delivered' ? 0 : result.diagnostic.length).toBeLessThanOrEqual(1001);
    expect(result.kind === 'delivered' ? '' : result.diagnostic).not.toMatch(/\p{Cc}/u);
  });

  it('when a reply has an enhanced code after the basic one, then that one is taken over others in the text', () => {
    expect(enhancedStatusIn('550-5.1.1 see 4.4.4 below')).toBe('5.1.1');
    expect(enhancedStatusIn('Mailbox unavailable (5.2.2)')).toBe('5.2.2');
    expect(enhancedStatusIn('550 no enhanced code')).toBeUndefined();
  });
});
