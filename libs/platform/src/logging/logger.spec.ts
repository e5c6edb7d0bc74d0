import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger, logDestination } from './logger';

describe('createLogger', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'acs-logger-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('holds at most the buffer bound while output lags, drops the rest and says how many', async () => {
    const file = join(dir, 'out.log');
    const maxBufferedBytes = 64 * 1024;
    const destination = logDestination({ dest: file, maxBufferedBytes });
    await new Promise((resolve) => destination.once('ready', resolve));
    const logger = createLogger({ service: 'test', level: 'info', destination });
    // One synchronous burst: no write can complete during it, which is what a stalled reader looks like.
    const lines = 5_000;
    for (let i = 0; i < lines; i++) logger.info({ deviceId: `cpe-${i}`, sessionId: 'x'.repeat(40) }, 'session opened');
    await new Promise<void>((resolve) => destination.flush(() => resolve()));

    const written = readFileSync(file, 'utf8').trimEnd().split('\n');
    const kept = written.filter((line) => line.includes('"session opened"'));
    const report = written.map((line) => JSON.parse(line) as { msg: string; droppedLines?: number }).find((line) => line.msg.includes('lines were dropped'));
    expect(Buffer.byteLength(kept.map((line) => `${line}\n`).join(''))).toBeLessThanOrEqual(maxBufferedBytes);
    expect(kept.length).toBeGreaterThan(0);
    expect(report?.droppedLines).toBe(lines - kept.length);
  });
});
