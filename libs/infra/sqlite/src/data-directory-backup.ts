import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import Database from 'better-sqlite3';

import { openSqliteDatabase, sqliteDatabaseStats } from './sqlite-database';
import { countRows, databaseNameOf, isSqliteSideFile, listSqliteFiles, SQLITE_FILE_SUFFIX } from './sqlite-file-info';

export interface DataDirectoryBackupOptions {
  /**
   * Subdirectories of the data directory (relative names) backed up too: their `*.sqlite` databases like the top-level
   * ones, every other file copied as it is. The standalone's `nbi` (API clients file, admin token, audit database).
   * Missing ones are left out.
   */
  subdirectories?: readonly string[];
  /**
   * Databases (names as in DatabaseBackup.name) copied first, in this order; the others follow by name. Databases are
   * copied one after the other, so the order decides which copy may be newer than which.
   */
  copyFirst?: readonly string[];
  now?: () => Date;
}

export interface DatabaseBackup {
  /** Its path in the data directory without `.sqlite` (`provisioning`, `nbi/audit`). */
  name: string;
  /** The copy, inside the backup directory. */
  file: string;
  bytes: number;
  pages: number;
  /** `PRAGMA integrity_check` of the copy: always `ok` in a returned backup (a failed check throws). */
  integrity: 'ok';
  rows: Record<string, number>;
}

export interface DataDirectoryBackup {
  /** The directory the backup was written to; `backup.json` in it describes it. */
  directory: string;
  dataDir: string;
  startedAt: string;
  finishedAt: string;
  databases: DatabaseBackup[];
  /** Other files copied from the subdirectories, relative to the backup directory. */
  files: string[];
}

/** Written last: a backup directory without it is not a complete backup. */
export const BACKUP_MANIFEST = 'backup.json';

export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
  }
}

/**
 * Backs up a data directory while its process may be running: every `*.sqlite` (top level and in `subdirectories`)
 * through SQLite's online backup API on a read-only connection, then the subdirectories' other files, into a new
 * directory laid out like the data directory.
 *
 * `to` is either a directory that exists (the backup goes into `acs-backup-<UTC time>` inside it) or a path that does
 * not exist yet (it becomes the backup directory). Each copy is switched out of WAL (a single self-contained file),
 * checked with `PRAGMA integrity_check` and its rows counted; `backup.json` is written last. On any failure the new
 * directory is removed and a BackupError says what failed: a half-written backup is never left looking like one.
 *
 * Each database is one consistent snapshot (of the moment its copy started); two databases are copied one after
 * the other, not at one instant.
 */
export async function backupDataDirectory(dataDir: string, to: string, options: DataDirectoryBackupOptions = {}): Promise<DataDirectoryBackup> {
  const source = resolve(dataDir);
  if (!isDirectory(source)) throw new BackupError(`the data directory ${source} does not exist or is not a directory`);
  const subdirectories = options.subdirectories ?? [];
  const databases = listSqliteFiles(source, subdirectories);
  if (databases.length === 0) throw new BackupError(`no *${SQLITE_FILE_SUFFIX} database in ${source}: is it an ACS data directory?`);
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const directory = backupDirectoryOf(resolve(to), startedAt);
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    throw new BackupError(`cannot create the backup directory ${directory}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const copies: DatabaseBackup[] = [];
    for (const file of inCopyOrder(source, databases, options.copyFirst ?? [])) {
      const name = databaseNameOf(source, file);
      copies.push(await backupDatabase(name, file, join(directory, relative(source, file))));
    }
    const files = subdirectories.flatMap((name) => copyDirectoryFiles(join(source, name), join(directory, name)).map((file) => relative(directory, file)));
    const backup: DataDirectoryBackup = { directory, dataDir: source, startedAt: startedAt.toISOString(), finishedAt: now().toISOString(), databases: copies, files };
    writeFileSync(join(directory, BACKUP_MANIFEST), `${JSON.stringify(backup, null, 2)}\n`, { mode: 0o600 });
    return backup;
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    if (error instanceof BackupError) throw error;
    throw new BackupError(`backup of ${source} failed: ${(error as Error).message}`, { cause: error });
  }
}

function inCopyOrder(dataDir: string, files: readonly string[], first: readonly string[]): string[] {
  const rank = (file: string) => {
    const index = first.indexOf(databaseNameOf(dataDir, file));
    return index === -1 ? first.length : index;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** `20261207T045501123Z`: ISO 8601 basic format to the millisecond, sortable and safe in any file name. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

function backupDirectoryOf(to: string, at: Date): string {
  if (!existsSync(to)) {
    mkdirSync(resolve(to, '..'), { recursive: true });
    return to;
  }
  if (!isDirectory(to)) throw new BackupError(`${to} exists and is not a directory: give a directory to back up into, or a path that does not exist yet`);
  return join(to, `acs-backup-${fileTimestamp(at)}`);
}

/** Every page in one step, so the copy is one read transaction: a step-wise copy restarts whenever the writer commits. */
const ALL_PAGES = 0x7fffffff;

async function backupDatabase(name: string, file: string, copy: string): Promise<DatabaseBackup> {
  mkdirSync(dirname(copy), { recursive: true, mode: 0o700 });
  try {
    const db = openSqliteDatabase(file, { readonly: true, cacheMiB: 8 });
    try {
      await db.backup(copy, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }
  } catch (error) {
    throw new BackupError(`online backup of ${file} failed: ${(error as Error).message}`, { cause: error });
  }
  // Owner-only like the database it copies (CPE credentials, the audit trail); the directory is already.
  chmodSync(copy, 0o600);
  const check = new Database(copy);
  try {
    // The copy keeps the source's WAL mode; a backup is one file, with no -wal or -shm beside it.
    check.pragma('journal_mode = DELETE');
    const problems = (check.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw new BackupError(`the copy of ${file} fails PRAGMA integrity_check: ${problems.slice(0, 10).join('; ')}`);
    }
    const stats = sqliteDatabaseStats(check);
    return { name, file: copy, bytes: statSync(copy).size, pages: stats.pageCount, integrity: 'ok', rows: countRows(check) };
  } finally {
    check.close();
  }
}

/**
 * Copies the regular files under `from` (recursively) with their permission bits (the token and clients files are
 * the service user's only), except databases and their side files (backed up through SQLite). The directory is listed again after copying, so a file renamed while it was copied (the
 * audit log rotating) is not missed. An append-only JSON-lines file is cut after its last complete line: the writer
 * may be half-way through one.
 */
function copyDirectoryFiles(from: string, to: string): string[] {
  if (!isDirectory(from)) return [];
  const copied = new Set<string>();
  for (let pass = 0; pass < 2; pass++) {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.isDirectory()) {
        for (const file of copyDirectoryFiles(source, target)) copied.add(file);
      } else if (entry.isFile() && !copied.has(target) && !entry.name.endsWith(SQLITE_FILE_SUFFIX) && !isSqliteSideFile(entry.name)) {
        mkdirSync(to, { recursive: true, mode: 0o700 });
        if (!copyFile(source, target)) continue;
        copied.add(target);
      }
    }
  }
  return [...copied].sort();
}

/** False when the file went away before it could be copied (rotated or pruned meanwhile). */
function copyFile(source: string, target: string): boolean {
  try {
    copyFileSync(source, target);
    chmodSync(target, statSync(source).mode & 0o777);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if (target.endsWith('.jsonl')) cutAfterLastLine(target);
  return true;
}

function cutAfterLastLine(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  let end = size;
  try {
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      readSync(fd, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, end - start).lastIndexOf(0x0a);
      if (newline !== -1) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
  } finally {
    closeSync(fd);
  }
  if (end < size) truncateSync(file, end);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
