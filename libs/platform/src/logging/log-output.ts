import { EventEmitter } from 'node:events';
import { closeSync, openSync, write, writeSync } from 'node:fs';
import { isatty } from 'node:tty';

import { prettyFactory } from 'pino-pretty';

import { ConfigError } from '../config/env';

/**
 * Log output held in memory while stdout takes it slower than it comes (a stalled pipe, a slow log shipper). Past
 * this, lines are dropped, counted, and the count logged once output flows again: memory stays bounded whatever the
 * session rate, where an unbounded buffer would grow with every session for as long as the reader lags.
 */
export const LOG_BUFFER_MAX_BYTES = 16 * 1024 * 1024;

/** pino's numeric level of `warn`: from here up a line is written before the log call returns. */
const WARN_LEVEL = 40;

/** pino hands a destination that asks for it the level and object of the line it is about to write. */
const PINO_METADATA = Symbol.for('pino.metadata');

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines for machines (a file, a pipe to a collector, a container runtime), readable lines for a person at a
 * terminal. ACS_LOG_FORMAT=json|pretty overrides the choice.
 */
export function chooseLogFormat(override: string | undefined, isTerminal: boolean): LogFormat {
  if (override === undefined || override === '') return isTerminal ? 'pretty' : 'json';
  if (override === 'json' || override === 'pretty') return override;
  throw new ConfigError('ACS_LOG_FORMAT', `must be json or pretty (got "${override}")`);
}

export interface LogOutputOptions {
  /** A file descriptor or a path (opened for appending). Default: stdout. */
  dest?: number | string;
  format?: LogFormat;
  /** Colours in the pretty format (a terminal). */
  colorize?: boolean;
  maxBufferedBytes?: number;
}

/**
 * Where loggers write. Two speeds, because the two kinds of line have different owners:
 * - a warning, an error, or a lifecycle line (one logged with a `lifecycle` field: starting, ready, draining,
 *   stopped) is written with a synchronous write before the log call returns, after whatever was queued before it:
 *   once the process has answered the request that caused it, a kill -9 cannot lose it. Warnings that anyone can
 *   provoke are throttled (ThrottledLog), so this path is not a client's lever on the event loop.
 * - every other line (per-session info, debug) is queued and written by one asynchronous write at a time, started at
 *   once: on a quiet ACS a line is in the file within a write's time; under a burst the lines that arrive while a
 *   write is in flight go out together in the next one, which is what keeps thousands of lines a second cheap. At
 *   most `maxBufferedBytes` wait; past that, lines are dropped and counted ('drop' events; createLogger reports them).
 *
 * The line being written by the asynchronous write in flight, if there is one, may land after a synchronous line
 * logged later: order is by `time`, not by position, in that one case. `flushSync()` writes what is queued; the
 * stdout output does it on process exit, which closeOnSignals' exit after SIGTERM/SIGINT goes through.
 */
export class LogOutput extends EventEmitter {
  /** Filled by pino before each write (PINO_METADATA). */
  lastLevel = 0;
  lastObj: unknown = undefined;

  private readonly fd: number;
  private readonly ownsFd: boolean;
  private readonly maxBufferedBytes: number;
  private readonly prettify: ((line: string) => string) | undefined;
  private queue: string[] = [];
  private queuedBytes = 0;
  private writing = false;
  /** Lines dropped since the last report of them. */
  private dropped = 0;
  private closed = false;
  private readonly flushWaiters: Array<() => void> = [];

  constructor(options: LogOutputOptions = {}) {
    super();
    Object.defineProperty(this, PINO_METADATA, { value: true });
    const dest = options.dest ?? 1;
    this.ownsFd = typeof dest === 'string';
    this.fd = typeof dest === 'string' ? openSync(dest, 'a') : dest;
    this.maxBufferedBytes = options.maxBufferedBytes ?? LOG_BUFFER_MAX_BYTES;
    if (options.format === 'pretty') {
      const pretty = prettyFactory({ colorize: options.colorize ?? false, translateTime: 'SYS:HH:MM:ss.l', singleLine: true, ignore: 'service' });
      this.prettify = (line) => pretty(line);
    }
  }

  /** Called by pino with one serialised line (redaction already applied). */
  write(line: string): boolean {
    if (this.closed) return false;
    const text = this.prettify ? this.prettify(line) : line;
    if (this.lastLevel >= WARN_LEVEL || hasLifecycle(this.lastObj)) {
      this.writeNow(text);
      return true;
    }
    const bytes = Buffer.byteLength(text);
    if (this.queuedBytes + bytes > this.maxBufferedBytes) {
      this.dropped += 1;
      this.emit('drop', text);
      return false;
    }
    this.queue.push(text);
    this.queuedBytes += bytes;
    if (!this.writing) this.writeQueued();
    return true;
  }

  /** Writes everything queued before returning. */
  flushSync(): void {
    if (this.queue.length === 0) return;
    const text = this.takeQueue();
    this.writeAllSync(text);
  }

  /** Calls back once what is queued now has been handed to the OS. */
  flush(callback: () => void): void {
    if (!this.writing && this.queue.length === 0) {
      callback();
      return;
    }
    this.flushWaiters.push(callback);
  }

  /** Writes what is queued and closes a file this output opened. Lines logged after are ignored. */
  end(): void {
    if (this.closed) return;
    this.flushSync();
    this.closed = true;
    if (this.ownsFd) closeSync(this.fd);
  }

  private writeNow(text: string): void {
    const queued = this.queue.length > 0 ? this.takeQueue() : '';
    this.writeAllSync(queued + text);
  }

  private writeAllSync(text: string): void {
    let buffer = Buffer.from(text);
    while (buffer.length > 0) {
      try {
        const written = writeSync(this.fd, buffer);
        buffer = buffer.subarray(written);
        this.emit('write', written);
      } catch (error) {
        // A non-blocking pipe that is full: the rest goes out asynchronously, first in line, rather than the process
        // spinning until the reader catches up.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          const rest = buffer.toString();
          this.queue.unshift(rest);
          this.queuedBytes += buffer.length;
          if (!this.writing) this.writeQueued();
          return;
        }
        // Output gone (EPIPE: the reader exited) or broken: the line is lost, and logging must not throw into the
        // code that logged it.
        this.lost(buffer);
        return;
      }
    }
  }

  private takeQueue(): string {
    const text = this.queue.length === 1 ? this.queue[0] : this.queue.join('');
    this.queue = [];
    this.queuedBytes = 0;
    return text;
  }

  private writeQueued(): void {
    if (this.queue.length === 0 || this.closed) {
      this.writing = false;
      for (const waiter of this.flushWaiters.splice(0)) waiter();
      return;
    }
    this.writing = true;
    const buffer = Buffer.from(this.takeQueue());
    this.writeBuffer(buffer);
  }

  private writeBuffer(buffer: Buffer): void {
    write(this.fd, buffer, 0, buffer.length, null, (error, written) => {
      if (error) {
        if (error.code === 'EAGAIN') {
          setTimeout(() => this.writeBuffer(buffer), 10);
          return;
        }
        this.lost(buffer);
        this.writeQueued();
        return;
      }
      this.emit('write', written);
      if (written < buffer.length) {
        this.writeBuffer(buffer.subarray(written));
        return;
      }
      this.reportDropped();
      this.writeQueued();
    });
  }

  /** Counts the lines of a write that failed as dropped (reported if output flows again). */
  private lost(buffer: Buffer): void {
    let lines = 0;
    for (const byte of buffer) if (byte === 0x0a) lines += 1;
    this.dropped += Math.max(1, lines);
  }

  /**
   * Once output flows again, one line says how many were dropped. Written by the output itself, not a logger: every
   * logger of the process shares it, and one report is wanted, not one per logger.
   */
  private reportDropped(): void {
    if (this.dropped === 0) return;
    const line = `${JSON.stringify({ level: 'warn', time: new Date().toISOString(), droppedLines: this.dropped, msg: 'log output fell behind: lines were dropped' })}\n`;
    this.dropped = 0;
    this.queue.push(this.prettify ? this.prettify(line) : line);
    this.queuedBytes += Buffer.byteLength(line);
  }
}

function hasLifecycle(obj: unknown): boolean {
  return typeof obj === 'object' && obj !== null && (obj as { lifecycle?: unknown }).lifecycle !== undefined;
}

let stdoutOutput: LogOutput | undefined;

/**
 * The process's one output to stdout, shared by its loggers so their lines keep one order. Format from
 * ACS_LOG_FORMAT, else by whether stdout is a terminal. Whatever is queued is written when the process exits.
 */
export function stdoutLogOutput(env: Record<string, string | undefined> = process.env): LogOutput {
  if (stdoutOutput) return stdoutOutput;
  // isatty rather than process.stdout.isTTY: creating process.stdout would change the descriptor's blocking mode.
  const isTerminal = isatty(1);
  const output = new LogOutput({ dest: 1, format: chooseLogFormat(env.ACS_LOG_FORMAT, isTerminal), colorize: isTerminal });
  // Nothing queued is left behind by process.exit, a signal handler's exit, or the event loop running dry.
  process.on('exit', () => {
    try {
      output.flushSync();
    } catch {
      // stdout closed under us: nothing left to write to.
    }
  });
  stdoutOutput = output;
  return output;
}
