import { type LogEntry, logLevel } from 'kafkajs';

import { kafkaLogCreator, type KafkaLogSink } from './kafka-logging';

function entry(level: logLevel, namespace: string, message: string, extra: object = {}): LogEntry {
  return { level, namespace, label: logLevel[level], log: { timestamp: 'now', logger: 'kafkajs', message, ...extra } };
}

function recordingSink(): KafkaLogSink & { lines: Array<[string, string, object]> } {
  const lines: Array<[string, string, object]> = [];
  const at = (level: string) => (object: object, message: string) => void lines.push([level, message, object]);
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

describe('kafkaLogCreator', () => {
  it('passes warnings and errors through with their context, at warn', () => {
    const sink = recordingSink();
    const log = kafkaLogCreator(sink, 'warn', () => false)(logLevel.WARN);
    log(entry(logLevel.ERROR, 'Runner', 'Error when calling eachMessage', { topic: 't' }));
    log(entry(logLevel.WARN, 'Consumer', 'rebalance'));
    log(entry(logLevel.INFO, 'Consumer', 'joined'));
    expect(sink.lines).toEqual([
      ['error', 'Error when calling eachMessage', { topic: 't', kafkaNamespace: 'Runner' }],
      ['warn', 'rebalance', { kafkaNamespace: 'Consumer' }],
    ]);
  });

  it('demotes protocol error responses kafkajs retries by itself to debug', () => {
    const quiet = recordingSink();
    kafkaLogCreator(quiet, 'warn', () => false)(logLevel.WARN)(entry(logLevel.ERROR, 'Connection', 'Response Heartbeat(key: 12, version: 3)'));
    expect(quiet.lines).toEqual([]);
    const verbose = recordingSink();
    kafkaLogCreator(verbose, 'debug', () => false)(logLevel.DEBUG)(entry(logLevel.ERROR, 'Connection', 'Response Heartbeat(key: 12, version: 3)'));
    expect(verbose.lines.map(([level]) => level)).toEqual(['debug']);
  });

  it('drops what the caller marks as expected', () => {
    const sink = recordingSink();
    kafkaLogCreator(sink, 'warn', (e) => e.log.message === 'expected')(logLevel.WARN)(entry(logLevel.ERROR, 'Runner', 'expected'));
    expect(sink.lines).toEqual([]);
  });
});
