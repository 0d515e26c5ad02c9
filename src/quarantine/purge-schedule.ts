import type { Logger } from '../observability/logger.js';
import type { QuarantineService } from './quarantine-service.js';

/**
 * Runs the retention purge now and then every intervalMs until stopped. Runs never overlap (the next one is
 * scheduled when the last ends), a failed run is logged and retried at the next tick, and the timer does not
 * keep the process alive. Several nodes may run it at once: a purge deletes each record only once.
 */
export function startPurgeSchedule(service: Pick<QuarantineService, 'purgeExpired'>, intervalMs: number, logger: Logger): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = (): void => {
    running = service
      .purgeExpired()
      .then(
        () => undefined,
        (err: unknown) => logger.error({ err: (err as Error).message }, 'quarantine purge failed'),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) schedule(intervalMs);
      });
  };
  const schedule = (delay: number): void => {
    timer = setTimeout(tick, delay);
    timer.unref();
  };

  // First run at start: a node restarted more often than hourly would otherwise never purge.
  schedule(0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
