import pino, { type Logger } from 'pino';

import { LogOutput, stdoutLogOutput } from './log-output';

export type { Logger } from 'pino';
export { chooseLogFormat, LOG_BUFFER_MAX_BYTES, LogOutput, stdoutLogOutput, type LogFormat, type LogOutputOptions } from './log-output';

/**
 * One JSON line per event on stdout (readable lines on a terminal: LogOutput). Secrets are masked wherever they
 * appear in a logged object, in both formats: passwords, the Authorization header, cookies.
 */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const destination = options.destination ?? stdoutLogOutput();
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
    destination,
  );
}

/** A LogOutput on a file or descriptor other than stdout (tests, benchmarks); JSON unless `format` says otherwise. */
export function logDestination(options: ConstructorParameters<typeof LogOutput>[0] = {}): LogOutput {
  return new LogOutput(options);
}
