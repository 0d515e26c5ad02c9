import { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionDeadlines, type DeadlineCode } from './connection-deadlines.js';

const settings = { commandTimeoutSeconds: 10, dataTimeoutSeconds: 60, sessionTimeoutSeconds: 600 };

/** Deadlines over an unconnected socket whose bytes the test emits, recording every cut. */
function watched() {
  const cuts: DeadlineCode[] = [];
  const deadlines = new ConnectionDeadlines(settings, (code) => cuts.push(code));
  const socket = new Socket();
  deadlines.watch(socket);
  const bytes = (s: string) => socket.emit('data', Buffer.from(s));
  return { deadlines, cuts, bytes, socket };
}

describe('ConnectionDeadlines', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('when a command line trickles in, then its clock runs from its first byte and more bytes do not restart it', () => {
    const { cuts, bytes } = watched();
    bytes('MAIL FROM:<');
    for (let i = 0; i < 9; i++) {
      vi.advanceTimersByTime(1_000);
      bytes('x');
    }
    expect(cuts).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(cuts).toEqual(['command_timeout']);
  });

  it('when lines are completed in time, then nothing is cut, and the next partial line gets a fresh clock', () => {
    const { cuts, bytes, deadlines } = watched();
    bytes('NOOP\r\nNO');
    vi.advanceTimersByTime(9_000);
    bytes('OP\r\nRS');
    vi.advanceTimersByTime(9_000);
    bytes('ET\r\n');
    vi.advanceTimersByTime(60_000);
    expect(cuts).toEqual([]);
    deadlines.stop();
  });

  it('when a deadline passes while a reply is pending, then the cut waits for the reply', () => {
    const { cuts, bytes, deadlines } = watched();
    deadlines.replyPending();
    bytes('MAIL');
    vi.advanceTimersByTime(600_000);
    expect(cuts).toEqual([]);
    deadlines.replySent();
    expect(cuts).toEqual(['command_timeout']);
  });

  it('when the slow line was completed while a reply was pending, then only the session deadline is left to cut', () => {
    const { cuts, bytes, deadlines } = watched();
    deadlines.replyPending();
    bytes('MAIL');
    vi.advanceTimersByTime(10_000);
    bytes(' FROM:<a@b.example>\r\n');
    deadlines.replySent();
    expect(cuts).toEqual([]);
    vi.advanceTimersByTime(590_000);
    expect(cuts).toEqual(['session_timeout']);
  });

  it('when message data is still streaming at the data deadline, then it is cut although its own reply is pending', () => {
    const { cuts, bytes, deadlines } = watched();
    deadlines.replyPending();
    deadlines.dataStarted();
    for (let i = 0; i < 59; i++) {
      vi.advanceTimersByTime(1_000);
      bytes('partial line without end');
    }
    expect(cuts).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(cuts).toEqual(['data_timeout']);
  });

  it('when the message ends in time, then no data deadline remains, and a session deadline during DATA waits for its end', () => {
    const { cuts, deadlines } = watched();
    vi.advanceTimersByTime(590_000);
    deadlines.replyPending();
    deadlines.dataStarted();
    vi.advanceTimersByTime(20_000);
    expect(cuts).toEqual([]);
    deadlines.dataEnded();
    deadlines.replySent();
    expect(cuts).toEqual(['session_timeout']);
  });

  it('when the connection is closed, then stop() leaves no deadline behind', () => {
    const { cuts, bytes, deadlines, socket } = watched();
    bytes('EHLO');
    deadlines.stop();
    vi.advanceTimersByTime(3_600_000);
    expect(cuts).toEqual([]);
    expect(socket.listenerCount('data')).toBe(0);
  });
});
