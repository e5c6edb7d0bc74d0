import { EventEmitter } from 'node:events';

import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Log output held in memory while stdout takes it slower than it comes (a stalled pipe, a slow log shipper). Past
 * this, lines are dropped, counted, and the count logged once output flows again: memory stays bounded whatever the
 * session rate, where an unbounded buffer would grow with every session for as long as the reader lags.
 */
export const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * One JSON line per event on stdout. Secrets are masked wherever they appear in a logged object: passwords, the
 * Authorization header, cookies.
 */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const destination = options.destination ?? logDestination();
  const logger = pino(
    {
      level: options.level ?? process.env.ACS_LOG_LEVEL ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['password', '*.password', '*.*.password', 'authorization', '*.authorization', 'headers.cookie', '*.headers.authorization'],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  if (destination instanceof EventEmitter) reportDroppedLines(destination, logger);
  return logger;
}

/**
 * Where loggers write: stdout (or `dest`, a file descriptor or path), with batched asynchronous writes — one fs.write
 * per line costs a thread-pool round trip each, which at thousands of sessions per second is a large share of a core.
 * Up to 4 KiB may be lost if the process is killed outright; a graceful shutdown flushes. At most `maxBufferedBytes`
 * wait in memory (LOG_BUFFER_MAX_BYTES).
 */
export function logDestination(options: { dest?: string | number; maxBufferedBytes?: number } = {}): ReturnType<typeof pino.destination> {
  return pino.destination({ dest: options.dest ?? 1, sync: false, minLength: 4096, maxLength: options.maxBufferedBytes ?? LOG_BUFFER_MAX_BYTES });
}

/** Counts the lines the destination dropped and says how many once a write goes through again. */
function reportDroppedLines(destination: EventEmitter, logger: Logger): void {
  let dropped = 0;
  destination.on('drop', () => {
    dropped += 1;
  });
  destination.on('write', () => {
    if (dropped === 0) return;
    const count = dropped;
    dropped = 0;
    logger.warn({ droppedLines: count }, 'log output fell behind: lines were dropped');
    // The report was dropped too (the buffer is still full): the count waits for the next write, without the report.
    if (dropped > 0) dropped += count - 1;
  });
}
