import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import type { AuditEntry, AuditLog, AuditQuery } from './audit-log.port';
import { AuditEntryList } from './audit-entry-list';
import type { PrunableAuditLog } from './audit-retention';

export interface FileAuditLogOptions {
  /** Entries kept in memory for listing (the newest); older ones stay in the files only. Default 100,000. */
  maxEntries?: number;
  /** The current file is rotated away before it would grow past this. Default 64 MiB. */
  maxFileBytes?: number;
  /** Bytes read per step when loading the files' tails at open. Default 1 MiB; tests use small steps. */
  tailChunkBytes?: number;
  /** Told about lines of the file that could not be read back (a write cut short by a crash). */
  logger?: { warn(context: object, message: string): void };
  /** The clock that decides the day a write belongs to; tests move it. */
  now?: () => number;
}

export const AUDIT_FILE_NAME = 'audit.jsonl';

/** Rotated files: `audit-<UTC time of the rotation, to the ms>[-n].jsonl`, n only when that name was taken. */
const ROTATED_FILE = /^audit-(\d{8}T\d{9}Z)(?:-(\d+))?\.jsonl$/;

/** A line longer than this is not an entry we wrote (ours are a few hundred bytes); it is skipped at load. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * The standalone's audit log: one JSON object per line appended to `<dataDir>/audit.jsonl`, listing served from
 * memory (the newest `maxEntries`, read back from the files' tails at open).
 *
 * `record` resolves once the line is written to the operating system, without fsync: an entry survives the process
 * dying, not the machine losing power. An fsync per mutating call would cost milliseconds on ordinary disks for a log
 * that a single-machine install can afford to lose the last moments of.
 *
 * The log rotates itself: before the first write of a new UTC day, and before a write that would take the file past
 * `maxFileBytes`, `audit.jsonl` is renamed `audit-<time>.jsonl` and a new one started. So a file holds at most a day,
 * and `deleteOlderThan` (run by AuditRetention) deletes whole rotated files whose newest entry is past the cutoff;
 * an entry outlives its retention by at most the day its file covers.
 */
export class FileAuditLog implements AuditLog, PrunableAuditLog {
  /** Every file operation, in call order: appends of one handle must not interleave, nor a rotation cut one. */
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly dir: string,
    private handle: FileHandle,
    private readonly entries: AuditEntryList,
    private current: { bytes: number; lastWrite: number },
    private readonly maxFileBytes: number,
    private readonly now: () => number,
    private readonly logger: FileAuditLogOptions['logger'],
  ) {}

  get file(): string {
    return join(this.dir, AUDIT_FILE_NAME);
  }

  static async open(dataDir: string, options: FileAuditLogOptions = {}): Promise<FileAuditLog> {
    const maxEntries = options.maxEntries ?? 100_000;
    const chunkBytes = options.tailChunkBytes ?? 1024 * 1024;
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, AUDIT_FILE_NAME);
    // The log names clients and their addresses: readable by the service's user only.
    const handle = await open(file, 'a+', 0o600);
    try {
      // The newest entries are at the end of the current file, then of the rotated files from the newest back.
      const tail = await readTail(handle, maxEntries, chunkBytes);
      const lines = [tail.lines];
      let wanted = maxEntries - tail.lines.length;
      for (const name of wanted > 0 ? (await rotatedFiles(dataDir)).reverse() : []) {
        if (wanted <= 0) break;
        const rotated = await open(join(dataDir, name), 'r');
        try {
          const older = await readTail(rotated, wanted, chunkBytes);
          lines.unshift(older.lines);
          wanted -= older.lines.length;
        } finally {
          await rotated.close();
        }
      }
      const entries = new AuditEntryList(maxEntries);
      let unreadable = 0;
      for (const line of lines.flat()) {
        const entry = parseEntry(line);
        if (entry) entries.insert(entry);
        else unreadable++;
      }
      if (unreadable > 0) options.logger?.warn({ file, lines: unreadable }, 'audit log lines that are not entries were skipped');
      // A crash mid-write leaves a partial last line; the next entry must start on a line of its own.
      if (!tail.endsWithNewline) await handle.appendFile('\n');
      const { size, mtimeMs } = await handle.stat();
      return new FileAuditLog(dataDir, handle, entries, { bytes: size, lastWrite: mtimeMs }, options.maxFileBytes ?? 64 * 1024 * 1024, options.now ?? Date.now, options.logger);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async record(entry: AuditEntry): Promise<void> {
    if (this.closed) throw new Error(`audit log ${this.file} is closed`);
    const line = `${JSON.stringify(entry)}\n`;
    await this.serialized(async () => {
      const bytes = Buffer.byteLength(line);
      const now = this.now();
      const newDay = utcDay(now) !== utcDay(this.current.lastWrite);
      if (this.current.bytes > 0 && (newDay || this.current.bytes + bytes > this.maxFileBytes)) await this.rotate();
      await this.handle.appendFile(line, 'utf8');
      this.current = { bytes: this.current.bytes + bytes, lastWrite: now };
    });
    this.entries.insert({ ...entry });
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.entries.list(query).map((entry) => ({ ...entry }));
  }

  /**
   * Deletes the rotated files whose last write is before `time` (the current file too, rotated first, when its last
   * write is), and forgets the listed entries older than `time`. Resolves to the number of entries deleted.
   */
  async deleteOlderThan(time: number): Promise<number> {
    if (this.closed) throw new Error(`audit log ${this.file} is closed`);
    this.entries.dropOlderThan(time);
    return this.serialized(async () => {
      if (this.current.bytes > 0 && this.current.lastWrite < time) await this.rotate();
      let deleted = 0;
      for (const name of await rotatedFiles(this.dir)) {
        const path = join(this.dir, name);
        if ((await stat(path)).mtimeMs >= time) continue;
        deleted += await countLines(path);
        await unlink(path);
      }
      return deleted;
    });
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error(`audit log ${this.file} is closed`);
    await this.handle.stat();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await this.handle.close();
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.writing.then(operation);
    this.writing = run.catch(() => undefined);
    return run;
  }

  /** Renames the current file after this moment and starts a new one. Runs inside `serialized`. */
  private async rotate(): Promise<void> {
    const stamp = new Date(this.now()).toISOString().replace(/[-:.]/g, '');
    const taken = new Set(await readdir(this.dir));
    let name = `audit-${stamp}.jsonl`;
    for (let n = 1; taken.has(name); n++) name = `audit-${stamp}-${n}.jsonl`;
    await this.handle.close();
    try {
      await rename(this.file, join(this.dir, name));
    } catch (error) {
      // Not rotated (a directory that forbids it, say): the log goes on in the file it had, and the next rotation is
      // tried after another maxFileBytes or on the next day, not on every write.
      this.logger?.warn({ file: this.file, err: error }, 'audit log could not be rotated; writing on in the same file');
    } finally {
      this.handle = await open(this.file, 'a+', 0o600);
      this.current = { bytes: 0, lastWrite: this.now() };
    }
  }
}

/** The rotated files of a directory, oldest first. */
async function rotatedFiles(dir: string): Promise<string[]> {
  const rotated: { name: string; stamp: string; n: number }[] = [];
  for (const name of await readdir(dir)) {
    const match = ROTATED_FILE.exec(name);
    if (match) rotated.push({ name, stamp: match[1], n: Number(match[2] ?? 0) });
  }
  rotated.sort((a, b) => (a.stamp !== b.stamp ? (a.stamp < b.stamp ? -1 : 1) : a.n - b.n));
  return rotated.map((file) => file.name);
}

function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
  }
  return lines;
}

/**
 * The last `maxLines` lines of the file, oldest first, read backwards in chunks so that opening a log of gigabytes
 * reads only its tail.
 */
async function readTail(handle: FileHandle, maxLines: number, chunkBytes: number): Promise<{ lines: string[]; endsWithNewline: boolean }> {
  const { size } = await handle.stat();
  if (size === 0) return { lines: [], endsWithNewline: true };
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  const endsWithNewline = last[0] === 0x0a;

  const lines: string[] = [];
  let position = size;
  let carry = Buffer.alloc(0);
  /** The bytes being carried belong to a line already known to be too long. */
  let overlong = false;
  const take = (bytes: Buffer): void => {
    if (!overlong && bytes.length > 0 && lines.length < maxLines) lines.push(bytes.toString('utf8'));
    overlong = false;
  };
  while (position > 0 && lines.length < maxLines) {
    const length = Math.min(chunkBytes, position);
    position -= length;
    const chunk = Buffer.alloc(length);
    await handle.read(chunk, 0, length, position);
    const buffer = carry.length > 0 ? Buffer.concat([chunk, carry]) : chunk;
    let end = buffer.length;
    for (let i = buffer.length - 1; i >= 0 && lines.length < maxLines; i--) {
      if (buffer[i] !== 0x0a) continue;
      take(buffer.subarray(i + 1, end));
      end = i;
    }
    carry = buffer.subarray(0, end);
    if (carry.length > MAX_LINE_BYTES) {
      carry = Buffer.alloc(0);
      overlong = true;
    }
  }
  if (position === 0) take(carry);
  return { lines: lines.reverse(), endsWithNewline };
}

function parseEntry(line: string): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Record<string, unknown>;
  const strings = ['id', 'client', 'authentication', 'method', 'resourceType', 'action', 'target', 'outcome', 'message', 'peer'];
  if (!strings.every((key) => typeof entry[key] === 'string')) return undefined;
  if (typeof entry.time !== 'number' || typeof entry.durationMs !== 'number') return undefined;
  if (entry.authentication !== 'token' && entry.authentication !== 'certificate') return undefined;
  // Lines written before `credential` was recorded have none.
  if (entry.credential !== undefined && typeof entry.credential !== 'string') return undefined;
  return { ...entry, credential: entry.credential ?? '' } as unknown as AuditEntry;
}
