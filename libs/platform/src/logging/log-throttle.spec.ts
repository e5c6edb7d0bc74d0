import { Writable } from 'node:stream';

import pino from 'pino';

import { LogThrottle, remoteHost, ThrottledLog } from './log-throttle';

describe('LogThrottle', () => {
  it('writes at most linesPerKey lines per key per interval and tells the next line how many it held back', () => {
    let now = 0;
    const throttle = new LogThrottle({ linesPerKey: 2, intervalMs: 1000, maxKeys: 10, now: () => now });
    expect([throttle.take('a'), throttle.take('a'), throttle.take('a'), throttle.take('a')]).toEqual([
      { write: true, suppressed: 0 },
      { write: true, suppressed: 0 },
      { write: false },
      { write: false },
    ]);
    // Another source has its own allowance.
    expect(throttle.take('b')).toEqual({ write: true, suppressed: 0 });
    now = 999;
    expect(throttle.take('a')).toEqual({ write: false });
    now = 1000;
    expect(throttle.take('a')).toEqual({ write: true, suppressed: 3 });
    expect(throttle.take('a')).toEqual({ write: true, suppressed: 0 });
  });

  it('hands over the counts of keys that went quiet, once, and forgets those keys', () => {
    let now = 0;
    const throttle = new LogThrottle({ linesPerKey: 1, intervalMs: 1000, maxKeys: 10, now: () => now });
    throttle.take('loud');
    throttle.take('loud');
    throttle.take('loud');
    throttle.take('once');
    now = 500;
    expect(throttle.quiet()).toEqual([]);
    now = 1000;
    expect(throttle.quiet()).toEqual([{ key: 'loud', suppressed: 2 }]);
    expect(throttle.size).toBe(0);
    // Reported once: the next line of that source does not count them again.
    expect(throttle.take('loud')).toEqual({ write: true, suppressed: 0 });
  });

  it('tracks at most maxKeys sources and keeps the counts of those it forgets', () => {
    let now = 0;
    const throttle = new LogThrottle({ linesPerKey: 1, intervalMs: 1000, maxKeys: 3, now: () => now });
    for (let i = 0; i < 100; i++) {
      throttle.take(`source-${i}`);
      throttle.take(`source-${i}`);
    }
    expect(throttle.size).toBe(3);
    now = 1000;
    const report = throttle.quiet();
    expect(report.reduce((sum, entry) => sum + entry.suppressed, 0)).toBe(100);
    expect(report).toContainEqual({ key: '(other sources)', suppressed: 97 });
  });

  it('bounds the lines of all sources together when linesPerInterval is set', () => {
    const throttle = new LogThrottle({ linesPerKey: 5, intervalMs: 1000, maxKeys: 1000, linesPerInterval: 10, now: () => 0 });
    const written = Array.from({ length: 50 }, (_, i) => throttle.take(`source-${i}`)).filter((verdict) => verdict.write);
    expect(written).toHaveLength(10);
  });
});

describe('ThrottledLog', () => {
  function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { logger: pino({ base: undefined, timestamp: false }, stream), lines };
  }
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('writes the allowed lines, marks the next one with what it held back, and reports quiet sources', async () => {
    let now = 0;
    const { logger, lines } = capture();
    const log = new ThrottledLog(logger, { linesPerKey: 2, intervalMs: 60_000, maxKeys: 100, now: () => now });
    for (let i = 0; i < 200; i++) log.warn('192.0.2.7', { deviceId: 'cpe-1', remote: '192.0.2.7:4000' }, 'CPE authentication failed');
    log.warn('198.51.100.1', { deviceId: 'cpe-2' }, 'CPE authentication failed');
    now = 60_000;
    log.warn('198.51.100.1', { deviceId: 'cpe-2' }, 'CPE authentication failed');
    log.reportQuiet();
    // Nothing more held back: closing writes no further line.
    log.close();
    await settle();
    expect(lines.map((line) => [line.msg, line.deviceId, line.suppressed])).toEqual([
      ['CPE authentication failed', 'cpe-1', undefined],
      ['CPE authentication failed', 'cpe-1', undefined],
      ['CPE authentication failed', 'cpe-2', undefined],
      ['CPE authentication failed', 'cpe-2', undefined],
      ['CPE authentication failed (repeats held back)', undefined, 198],
    ]);
    expect(lines[4].sources).toEqual([{ source: '192.0.2.7', suppressed: 198 }]);
  });

  it('reports what is held back at close, the sources\' windows over or not', async () => {
    const { logger, lines } = capture();
    const log = new ThrottledLog(logger, { linesPerKey: 1, intervalMs: 60_000, maxKeys: 100, now: () => 0 });
    for (let i = 0; i < 10; i++) log.warn('192.0.2.7', {}, 'rejected CWMP request');
    log.close();
    await settle();
    expect(lines.at(-1)).toMatchObject({ msg: 'rejected CWMP request (repeats held back)', suppressed: 9 });
  });
});

describe('remoteHost', () => {
  it('drops the port and keeps the host, IPv6 included', () => {
    expect(remoteHost('192.0.2.1:51234')).toBe('192.0.2.1');
    expect(remoteHost('::ffff:192.0.2.1:51234')).toBe('::ffff:192.0.2.1');
    expect(remoteHost(undefined)).toBe('unknown');
  });
});
