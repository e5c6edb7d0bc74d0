import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One JSON line per event on stdout. Secrets are masked wherever they appear in a logged object: passwords, the
 * Authorization header, cookies.
 */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  return pino(
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
    // Batched asynchronous writes: one fs.write per line costs a thread-pool round trip each, which at thousands of
    // sessions per second is a large share of a core. Up to 4 KiB may be lost if the process is killed outright;
    // a graceful shutdown flushes.
    options.destination ?? pino.destination({ sync: false, minLength: 4096 }),
  );
}
