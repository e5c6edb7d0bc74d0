import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';

export interface ShutdownOptions {
  /** Bound on the whole drain (ACS_SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  logger: Logger;
  /** Closes what the app did not own (the adapters' clients, stores opened by main). */
  afterClose?: () => Promise<void>;
  /** What `afterClose` closes, in words, for the "stopped" line (e.g. ['event bus', 'gateway store']). */
  closes?: string[];
}

/**
 * Graceful shutdown: on SIGTERM/SIGINT close the app (Nest's shutdown hooks drain listeners and consumers), then exit
 * 0. A timer bounds the drain: a peer that never closes or a stuck consumer cannot keep the pod alive past
 * `timeoutMs`. We do not use `enableShutdownHooks`, which re-raises the signal after closing: the exit status would
 * read as a crash, and V8's --cpu-prof would lose its profile.
 *
 * Logged as lifecycle lines (written before the next step starts, so a kill during the drain still leaves them):
 * "draining" when the signal arrives, "stopped" with how long it took; each module's shutdown hook logs what it
 * waits for (the CWMP endpoint: requests and sessions in flight). Lines still queued are written on exit.
 */
export function closeOnSignals(app: INestApplicationContext, options: ShutdownOptions): void {
  const { timeoutMs, logger, afterClose = async () => undefined, closes = [] } = options;
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const startedAt = performance.now();
    const took = () => Math.round(performance.now() - startedAt);
    logger.info({ lifecycle: 'draining', signal, timeoutMs }, `${signal}: draining (requests in flight finish, consumers stop, stores close; at most ${timeoutMs} ms)`);
    const timer = setTimeout(() => {
      logger.error({ lifecycle: 'stopped', signal, durationMs: took(), timeoutMs }, 'shutdown took longer than ACS_SHUTDOWN_TIMEOUT_MS; exiting without finishing the drain');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(afterClose).then(
      () => {
        logger.info({ lifecycle: 'stopped', signal, durationMs: took(), closed: ['listeners', 'consumers', 'application stores', ...closes] }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ lifecycle: 'stopped', signal, durationMs: took(), err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
