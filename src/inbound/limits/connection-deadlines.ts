import type { Socket } from 'node:net';

export type DeadlineCode = 'command_timeout' | 'data_timeout' | 'session_timeout';

export interface DeadlineSettings {
  commandTimeoutSeconds: number;
  dataTimeoutSeconds: number;
  sessionTimeoutSeconds: number;
}

const LF = 0x0a;

/**
 * Deadlines that trickling bytes cannot push back. smtp-server's idle timeout restarts with every byte, so a
 * client sending one byte every few seconds (slowloris) would hold its connection for ever. Here a command line
 * must be complete within commandTimeout of its first byte, a message within dataTimeout of the 354, and the
 * whole connection ends after sessionTimeout (a NOOP every few seconds is no slow line, but holds a slot as long).
 *
 * A deadline never cuts while one of our replies is pending (a message being spooled must get its 250 or the
 * sender sends it twice): it waits for the reply and then cuts. The data deadline is the exception, because while
 * DATA streams the pending reply is waiting for the client itself.
 */
export class ConnectionDeadlines {
  /** Set once a deadline has cut the connection; later faults of the connection are this one's consequence. */
  cutBy: DeadlineCode | undefined;
  private source: Socket | undefined;
  private commandTimer: NodeJS.Timeout | undefined;
  private dataTimer: NodeJS.Timeout | undefined;
  private readonly sessionTimer: NodeJS.Timeout;
  private partialLine = false;
  private inData = false;
  private pendingReplies = 0;
  private deferred: DeadlineCode | undefined;

  constructor(
    private readonly settings: DeadlineSettings,
    private readonly cut: (code: DeadlineCode) => void,
  ) {
    this.sessionTimer = this.after(settings.sessionTimeoutSeconds, 'session_timeout');
  }

  /** Follows the bytes of this socket: the plain one, then the TLS one after STARTTLS. */
  watch(socket: Socket): void {
    this.source?.off('data', this.onBytes);
    this.source = socket;
    this.partialLine = false;
    this.clearCommand();
    socket.on('data', this.onBytes);
  }

  dataStarted(): void {
    this.clearCommand();
    this.inData = true;
    this.dataTimer = this.after(this.settings.dataTimeoutSeconds, 'data_timeout');
  }

  dataEnded(): void {
    this.inData = false;
    clearTimeout(this.dataTimer);
    this.dataTimer = undefined;
  }

  replyPending(): void {
    this.pendingReplies++;
  }

  replySent(): void {
    this.pendingReplies--;
    const code = this.deferred;
    if (this.pendingReplies > 0 || !code || this.inData) return;
    this.deferred = undefined;
    // The slow line may have been completed while we were busy.
    if (code === 'command_timeout' && !this.partialLine) return;
    this.expire(code);
  }

  stop(): void {
    this.clearCommand();
    clearTimeout(this.dataTimer);
    clearTimeout(this.sessionTimer);
    this.source?.off('data', this.onBytes);
  }

  private readonly onBytes = (chunk: Buffer): void => {
    if (this.inData || this.cutBy) return;
    const lastLf = chunk.lastIndexOf(LF);
    this.partialLine = lastLf !== chunk.length - 1;
    if (!this.partialLine) this.clearCommand();
    // A line that began in this chunk starts its own clock; one still growing from earlier chunks keeps its clock.
    else if (lastLf !== -1 || !this.commandTimer) {
      this.clearCommand();
      this.commandTimer = this.after(this.settings.commandTimeoutSeconds, 'command_timeout');
    }
  };

  private expire(code: DeadlineCode): void {
    if (this.cutBy) return;
    if (code !== 'data_timeout' && (this.pendingReplies > 0 || this.inData)) {
      this.deferred ??= code;
      return;
    }
    this.cutBy = code;
    this.stop();
    this.cut(code);
  }

  private clearCommand(): void {
    clearTimeout(this.commandTimer);
    this.commandTimer = undefined;
  }

  private after(seconds: number, code: DeadlineCode): NodeJS.Timeout {
    // Unref'd: a deadline must never be what keeps a stopping process alive.
    return setTimeout(() => this.expire(code), seconds * 1000).unref();
  }
}
