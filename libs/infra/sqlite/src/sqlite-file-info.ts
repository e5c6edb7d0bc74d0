import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

import { openSqliteDatabase, sqliteDatabaseStats, type SqliteDatabase } from './sqlite-database';

/** The file name every embedded store's database ends with; what backup and `store info` look for. */
export const SQLITE_FILE_SUFFIX = '.sqlite';

/** What `npm run store -- info` prints for one database of a data directory. */
export interface SqliteFileInfo {
  /** The file name without `.sqlite` (`provisioning`, `gateway`). */
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

/** The SQLite databases of a data directory: its top-level `*.sqlite` files, sorted by name. */
export function listSqliteFiles(dataDir: string): string[] {
  const dir = resolve(dataDir);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(SQLITE_FILE_SUFFIX))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/**
 * Size, pages and row counts of one database, read through a read-only connection: with WAL another process (the
 * running standalone) may keep writing, and this reads one consistent snapshot of it.
 */
export function describeSqliteFile(file: string): SqliteFileInfo {
  const db = openSqliteDatabase(file, { readonly: true, cacheMiB: 8 });
  try {
    const stats = sqliteDatabaseStats(db);
    return {
      name: basename(file, SQLITE_FILE_SUFFIX),
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
