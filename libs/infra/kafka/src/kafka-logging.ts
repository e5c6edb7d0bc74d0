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
 * Routes kafkajs's own logging to a pino-style sink (JSON lines on stderr when none is given), at `level` and up
 * (WARN by default). kafkajs logs every error response of the protocol at ERROR, even those it retries by itself
 * (a rebalance in progress, a coordinator still loading); those are demoted to DEBUG — when retrying fails, kafkajs
 * logs the failure again at a higher layer. `ignore` drops entries the caller knows to be expected.
 */
export function kafkaLogCreator(sink: KafkaLogSink | undefined, level: KafkaLogLevel, ignore: (entry: LogEntry) => boolean): logCreator {
  const write = sink ?? stderrSink;
  const threshold = kafkaLogLevel(level);
  return () => (entry) => {
    if (ignore(entry)) return;
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry.log;
    const effective = isProtocolResponse(entry) ? logLevel.DEBUG : entry.level;
    if (effective > threshold) return;
    const context = { ...extra, kafkaNamespace: entry.namespace };
    switch (effective) {
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

function isProtocolResponse(entry: LogEntry): boolean {
  return entry.namespace === 'Connection' && entry.log.message.startsWith('Response ');
}

const line = (level: string) => (object: object, message: string) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), component: 'kafkajs', msg: message, ...object })}\n`);

/** JSON lines on stderr, for a bus given no logger. */
export const stderrSink: KafkaLogSink = { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug') };
