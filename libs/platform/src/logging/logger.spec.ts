import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError } from '../config/env';
import { chooseLogFormat, createLogger, logDestination } from './logger';

describe('createLogger', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acs-logger-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').filter((line) => line.length > 0);

  it('holds at most the buffer bound while output lags, drops the rest and says how many', async () => {
    const file = join(dir, 'out.log');
    const maxBufferedBytes = 64 * 1024;
    const destination = logDestination({ dest: file, maxBufferedBytes });
    const logger = createLogger({ service: 'test', level: 'info', destination });
    // One synchronous burst: no asynchronous write can complete during it, which is what a stalled reader looks like.
    const count = 5_000;
    for (let i = 0; i < count; i++) logger.info({ deviceId: `cpe-${i}`, sessionId: 'x'.repeat(40) }, 'session opened');
    await new Promise<void>((resolve) => destination.flush(resolve));

    const written = lines(file);
    const kept = written.filter((line) => line.includes('"session opened"'));
    const report = written.map((line) => JSON.parse(line) as { msg: string; droppedLines?: number }).find((line) => line.msg.includes('lines were dropped'));
    // The first line goes straight into a write; the bound applies to what waits behind it.
    expect(Buffer.byteLength(kept.slice(1).map((line) => `${line}\n`).join(''))).toBeLessThanOrEqual(maxBufferedBytes);
    expect(kept.length).toBeGreaterThan(1);
    expect(report?.droppedLines).toBe(count - kept.length);
    destination.end();
  });

  it('has a warning, and the info lines queued before it, in the file when the log call returns', () => {
    const file = join(dir, 'out.log');
    const destination = logDestination({ dest: file });
    const logger = createLogger({ service: 'test', level: 'info', destination });
    logger.info('one');
    logger.info('two');
    logger.warn({ remote: '192.0.2.1' }, 'CPE authentication failed');
    // No await: a kill -9 now would find these in the file. ('one' went into an asynchronous write at once and may
    // still be in it; 'two' waited behind it and goes out with the warning.)
    // Read as text: the write of 'one' may be landing while the file is read.
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('"msg":"two"}\n');
    expect(text).toContain('"msg":"CPE authentication failed"}\n');
    destination.end();
  });

  it('writes a lifecycle line at once whatever its level', () => {
    const file = join(dir, 'out.log');
    const destination = logDestination({ dest: file });
    const logger = createLogger({ service: 'test', level: 'info', destination });
    logger.info({ lifecycle: 'ready', cwmp: '127.0.0.1:7547' }, 'ready');
    expect(lines(file)).toHaveLength(1);
    destination.end();
  });

  it('writes a queued info line without waiting for more lines to fill a batch', async () => {
    const file = join(dir, 'out.log');
    const destination = logDestination({ dest: file });
    const logger = createLogger({ service: 'test', level: 'info', destination });
    logger.info('quiet ACS, one session');
    await new Promise<void>((resolve) => destination.flush(resolve));
    expect(lines(file)).toHaveLength(1);
    destination.end();
  });

  it('never throws into the code that logs when the output is gone', async () => {
    const fd = openSync(join(dir, 'out.log'), 'a');
    const destination = logDestination({ dest: fd });
    const logger = createLogger({ service: 'test', level: 'info', destination });
    closeSync(fd);
    expect(() => logger.warn('written to nowhere')).not.toThrow();
    logger.info('queued for nowhere');
    await new Promise<void>((resolve) => destination.flush(resolve));
  });

  it('masks secrets in JSON and in readable lines', () => {
    for (const format of ['json', 'pretty'] as const) {
      const file = join(dir, `${format}.log`);
      const destination = logDestination({ dest: file, format });
      const logger = createLogger({ service: 'test', level: 'info', destination });
      logger.warn({ password: 'hunter2', headers: { authorization: 'Digest secret-response' } }, 'auth');
      destination.end();
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('secret-response');
      expect(text).toContain('[redacted]');
    }
  });

  it('writes readable lines in the pretty format', () => {
    const file = join(dir, 'out.log');
    const destination = logDestination({ dest: file, format: 'pretty' });
    createLogger({ service: 'test', level: 'info', destination }).warn({ deviceId: 'cpe-1' }, 'CPE authentication failed');
    destination.end();
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/WARN.*CPE authentication failed.*cpe-1/);
    expect(() => JSON.parse(text)).toThrow();
  });
});

describe('chooseLogFormat', () => {
  it('prints JSON when stdout is not a terminal and readable lines when it is', () => {
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
  });

  it('follows ACS_LOG_FORMAT whatever stdout is', () => {
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('refuses an unknown format, naming the variable', () => {
    expect(() => chooseLogFormat('yaml', false)).toThrow(ConfigError);
    expect(() => chooseLogFormat('yaml', false)).toThrow(/ACS_LOG_FORMAT/);
  });
});
