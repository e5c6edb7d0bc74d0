// Log output cost: `node test/bench/run.js log-output [seconds-per-case]`.
// Prints lines/s and µs/line (the log call, on the event loop) for each way a line can be written: info lines queued
// and written asynchronously (one write in flight, the rest batched behind it), warnings written synchronously, the
// readable (pino-pretty) format, and the earlier pino.destination with a 4 KiB minimum batch for comparison. Lines go
// to a file in the temp directory; figures vary with the machine, its disk and its load.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogger, logDestination, type Logger } from '@acs/platform';

const secondsPerCase = Number(process.argv[2] ?? 2);
const dir = mkdtempSync(join(tmpdir(), 'acs-log-bench-'));

/** A line like the gateway's per-session one. */
const fields = (i: number) => ({
  deviceId: `00AA11-Router-SN${i}`,
  sessionId: `00AA11-Router-SN${i}:5f0c3d8e2a9b4c1d8e7f6a5b4c3d2e1f`,
  events: ['2 PERIODIC'],
  cwmpVersion: '1.0',
  reason: 'completed',
  rpcs: 0,
  durationMs: 12,
});

interface Case {
  name: string;
  logger: Logger;
  level: 'info' | 'warn';
  flush: () => Promise<void>;
  file: string;
}

/**
 * Logs in batches of 100 with a turn of the event loop between them (as a server does between requests) until the
 * time is up; the clock runs over the log calls only.
 */
async function run(c: Case): Promise<void> {
  let lines = 0;
  let busyNs = 0n;
  const until = performance.now() + secondsPerCase * 1000;
  while (performance.now() < until) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 100; i++) c.logger[c.level](fields(lines + i), 'session closed');
    busyNs += process.hrtime.bigint() - start;
    lines += 100;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await c.flush();
  const us = Number(busyNs) / 1000 / lines;
  const bytes = statSync(c.file).size;
  console.log(`${c.name.padEnd(52)} ${Math.round(1e6 / us).toLocaleString('en').padStart(10)} lines/s  ${us.toFixed(2).padStart(6)} µs/line  ${(bytes / 1e6).toFixed(1).padStart(6)} MB written`);
}

function ours(name: string, level: 'info' | 'warn', format: 'json' | 'pretty' = 'json'): Case {
  const file = join(dir, `${name.replace(/\W+/g, '-')}.log`);
  const destination = logDestination({ dest: file, format });
  return { name, level, file, logger: createLogger({ service: 'bench', level: 'info', destination }), flush: () => new Promise((resolve) => destination.flush(resolve)) };
}

function earlier(name: string): Case {
  const file = join(dir, 'earlier.log');
  const destination = pino.destination({ dest: file, sync: false, minLength: 4096 });
  return {
    name,
    level: 'info',
    file,
    logger: createLogger({ service: 'bench', level: 'info', destination }),
    flush: () => new Promise((resolve) => destination.flush(() => resolve())),
  };
}

async function main(): Promise<void> {
  console.log(`log output, ${secondsPerCase} s per case, node ${process.version}`);
  await run(ours('info, queued + async write (LogOutput)', 'info'));
  await run(ours('warn, synchronous write (LogOutput)', 'warn'));
  await run(ours('info, pretty format (pino-pretty in-process)', 'info', 'pretty'));
  await run(earlier('info, earlier pino.destination minLength 4096'));
  rmSync(dir, { recursive: true, force: true });
}

void main();
