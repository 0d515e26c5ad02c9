import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Real addresses never appear at info level: callers log party ids, pair ids and
 * message ids; the redaction below is a second line of defence for fields that may carry addresses.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'parley', pid: process.pid },
      redact: { paths: ['emails', '*.emails', 'email', '*.email', 'req.headers.authorization'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    // Asynchronous by default: lines written while a write is in flight go out together, instead of one
    // blocking write per line on the path of every message. pino flushes what is left when the process exits.
    // Lines gather up to 4 KB or a quarter of a second before they are written: each write is a trip to the
    // thread pool, and a wakeup of whatever reads the log.
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250 }),
  );
}
