import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import type { AuditEntry, AuditLog, AuditQuery } from './audit-log.port';
import { AuditEntryList } from './audit-entry-list';

export interface FileAuditLogOptions {
  /** Entries kept in memory for listing (the newest); older ones stay in the file only. Default 100,000. */
  maxEntries?: number;
  /** Bytes read per step when loading the file's tail at open. Default 1 MiB; tests use small steps. */
  tailChunkBytes?: number;
  /** Told about lines of the file that could not be read back (a write cut short by a crash). */
  logger?: { warn(context: object, message: string): void };
}

export const AUDIT_FILE_NAME = 'audit.jsonl';

/** A line longer than this is not an entry we wrote (ours are a few hundred bytes); it is skipped at load. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * The standalone's audit log: one JSON object per line appended to `<dataDir>/audit.jsonl`, listing served from
 * memory (the newest `maxEntries`, read back from the file's tail at open).
 *
 * `record` resolves once the line is written to the operating system, without fsync: an entry survives the process
 * dying, not the machine losing power. An fsync per mutating call would cost milliseconds on ordinary disks for a log
 * that a single-machine install can afford to lose the last moments of. The file only grows; rotate it with a
 * copy-and-truncate tool (logrotate `copytruncate`): writes use O_APPEND, so they land at the new end after a truncate.
 */
export class FileAuditLog implements AuditLog {
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    private readonly entries: AuditEntryList,
  ) {}

  static async open(dataDir: string, options: FileAuditLogOptions = {}): Promise<FileAuditLog> {
    const maxEntries = options.maxEntries ?? 100_000;
    await mkdir(dataDir, { recursive: true });
    const file = join(dataDir, AUDIT_FILE_NAME);
    // The log names clients and their addresses: readable by the service's user only.
    const handle = await open(file, 'a+', 0o600);
    try {
      const { lines, endsWithNewline } = await readTail(handle, maxEntries, options.tailChunkBytes ?? 1024 * 1024);
      const entries = new AuditEntryList(maxEntries);
      let unreadable = 0;
      for (const line of lines) {
        const entry = parseEntry(line);
        if (entry) entries.insert(entry);
        else unreadable++;
      }
      if (unreadable > 0) options.logger?.warn({ file, lines: unreadable }, 'audit log lines that are not entries were skipped');
      // A crash mid-write leaves a partial last line; the next entry must start on a line of its own.
      if (!endsWithNewline) await handle.appendFile('\n');
      return new FileAuditLog(file, handle, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async record(entry: AuditEntry): Promise<void> {
    if (this.closed) throw new Error(`audit log ${this.file} is closed`);
    const line = `${JSON.stringify(entry)}\n`;
    // One write at a time, in call order: concurrent appends of one handle could interleave partial writes.
    const write = this.writing.then(() => this.handle.appendFile(line, 'utf8'));
    this.writing = write.catch(() => undefined);
    await write;
    this.entries.insert({ ...entry });
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.entries.list(query).map((entry) => ({ ...entry }));
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
  return entry as unknown as AuditEntry;
}
