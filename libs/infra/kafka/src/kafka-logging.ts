import { type LogEntry, logLevel, type logCreator } from 'kafkajs';

/** The part of a pino logger kafkajs needs; `Logger` from @acs/platform fits. */
export interface KafkaLogSink {
  error(object: object, message: string): void;
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
  debug(object: object, message: string): void;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export function kafkaLogLevel(level: KafkaLogLevel): logLevel {
  switch (level) {
    case 'nothing':
      return logLevel.NOTHING;
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
  }
}

/**
 * Routes kafkajs's own logging to a pino-style sink (JSON lines on stderr when none is given). kafkajs filters by
 * the client's logLevel before calling this, so the sink sees only what was asked for (WARN and up by default).
 * `ignore` drops entries the caller knows to be expected noise.
 */
export function kafkaLogCreator(sink: KafkaLogSink | undefined, ignore: (entry: LogEntry) => boolean): logCreator {
  const write = sink ?? stderrSink;
  return () => (entry) => {
    if (ignore(entry)) return;
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry.log;
    const context = { ...extra, kafkaNamespace: entry.namespace };
    switch (entry.level) {
      case logLevel.ERROR:
        write.error(context, message);
        return;
      case logLevel.WARN:
        write.warn(context, message);
        return;
      case logLevel.INFO:
        write.info(context, message);
        return;
      case logLevel.DEBUG:
        write.debug(context, message);
        return;
      case logLevel.NOTHING:
        return;
    }
  };
}

const line = (level: string) => (object: object, message: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), component: 'kafkajs', msg: message, ...object })}\n`);

const stderrSink: KafkaLogSink = { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
