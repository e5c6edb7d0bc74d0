import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { openSqliteDatabase, sqliteDatabaseStats, type SqliteDatabase } from './sqlite-database';

/** The file name every embedded store's database ends with; what backup and `store info` look for. */
export const SQLITE_FILE_SUFFIX = '.sqlite';

/** What `npm run store -- info` prints for one database of a data directory. */
export interface SqliteFileInfo {
  /** The file's path in the data directory without `.sqlite` (`provisioning`, `nbi/audit`). */
  name: string;
  file: string;
  /** The database file on disk (not counting the WAL). */
  fileBytes: number;
  /** The WAL file on disk: commits not yet checkpointed into the database file (0 when there is none). */
  walBytes: number;
  pageSize: number;
  pages: number;
  /** Pages of the file that hold nothing (after deletes); reused by later writes, given back only by VACUUM. */
  freePages: number;
  /** Rows per table (SQLite's own tables left out), by table name. */
  rows: Record<string, number>;
}

/**
 * The SQLite databases of a data directory, sorted: its top-level `*.sqlite` files, and those under `subdirectories`
 * (relative names, searched recursively; the standalone's `nbi` holds the audit log's). Missing subdirectories are
 * skipped.
 */
export function listSqliteFiles(dataDir: string, subdirectories: readonly string[] = []): string[] {
  const dir = resolve(dataDir);
  const top = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(SQLITE_FILE_SUFFIX))
    .map((entry) => join(dir, entry.name));
  const nested = subdirectories.flatMap((name) => sqliteFilesUnder(join(dir, name)));
  return [...top, ...nested].sort();
}

function sqliteFilesUnder(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sqliteFilesUnder(path);
    return entry.isFile() && entry.name.endsWith(SQLITE_FILE_SUFFIX) ? [path] : [];
  });
}

/** A database's name in its data directory: the relative path without `.sqlite`. */
export function databaseNameOf(dataDir: string, file: string): string {
  return relative(resolve(dataDir), file).slice(0, -SQLITE_FILE_SUFFIX.length);
}

/** The files SQLite keeps beside a database while it is open (`-wal`, `-shm`, a rollback `-journal`). */
export function isSqliteSideFile(name: string): boolean {
  return /\.sqlite-(wal|shm|journal)$/.test(name);
}

/**
 * Size, pages and row counts of one database, read through a read-only connection: with WAL another process (the
 * running standalone) may keep writing, and this reads one consistent snapshot of it.
 */
export function describeSqliteFile(dataDir: string, file: string): SqliteFileInfo {
  const db = openSqliteDatabase(file, { readonly: true, cacheMiB: 8 });
  try {
    const stats = sqliteDatabaseStats(db);
    return {
      name: databaseNameOf(dataDir, file),
      file,
      fileBytes: fileSize(file),
      walBytes: fileSize(`${file}-wal`),
      pageSize: stats.pageSize,
      pages: stats.pageCount,
      freePages: stats.freePages,
      rows: countRows(db),
    };
  } finally {
    db.close();
  }
}

/** Rows per user table, all counted in one read transaction so the figures belong to one moment. */
export function countRows(db: SqliteDatabase): Record<string, number> {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all() as string[];
  return db.transaction(() => Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as number])))();
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
