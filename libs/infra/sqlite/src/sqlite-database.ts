import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface SqliteDatabaseOptions {
  /**
   * Page cache per database file, in MiB. The store's memory is bounded by this (plus the statements' own small
   * working sets), not by the number of documents: pages not in the cache are read from the OS page cache or disk.
   */
  cacheMiB?: number;
  /**
   * `normal` (the default): a committed transaction survives the process being killed (it is in the WAL, which the
   * OS holds); a power cut may roll back the last transactions since the OS flushed, never corrupt the file.
   * `full`: every commit is fsynced too, so it survives a power cut; several times slower on most disks.
   */
  synchronous?: 'normal' | 'full';
  readonly?: boolean;
}

export const DEFAULT_CACHE_MIB = 64;

/**
 * Opens (creating when missing) one SQLite database the way every embedded store uses it: WAL journal (readers never
 * block the writer, a commit is one append), bounded page cache, no memory-mapped I/O (so RSS stays what the cache
 * allows), temporary tables in memory, and the REGEXP operator the filter translation uses.
 */
export function openSqliteDatabase(file: string, options: SqliteDatabaseOptions = {}): SqliteDatabase {
  if (!options.readonly) {
    mkdirSync(dirname(file), { recursive: true });
    // Owner-only from the first byte: the stores hold CPE credentials and the audit trail. SQLite gives the WAL and
    // shared-memory files the database file's mode.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  }
  const db = new Database(file, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`cache_size = ${-Math.max(1, Math.round((options.cacheMiB ?? DEFAULT_CACHE_MIB) * 1024))}`);
    db.pragma('mmap_size = 0');
    db.pragma('temp_store = MEMORY');
    // Only this process writes (the data directory lock), so waiting on a lock means a backup reader holds it.
    db.pragma('busy_timeout = 5000');
    registerRegexp(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * `value REGEXP pattern` calls regexp(pattern, value). Patterns arrive as `flags/source` text (see regexpOperand) and
 * are compiled once: a filter runs the same few patterns against many rows.
 */
function registerRegexp(db: SqliteDatabase): void {
  const compiled = new Map<string, RegExp>();
  db.function('regexp', { deterministic: true }, (pattern: unknown, value: unknown) => {
    if (typeof pattern !== 'string' || typeof value !== 'string') return 0;
    let regexp = compiled.get(pattern);
    if (!regexp) {
      const slash = pattern.indexOf('/');
      regexp = new RegExp(pattern.slice(slash + 1), pattern.slice(0, slash));
      if (compiled.size > 1_000) compiled.clear();
      compiled.set(pattern, regexp);
    }
    regexp.lastIndex = 0;
    return regexp.test(value) ? 1 : 0;
  });
}

/** The text a REGEXP operand carries for a RegExp: its flags, a slash, its source (global and sticky dropped). */
export function regexpOperand(regexp: RegExp): string {
  return `${regexp.flags.replace(/[gy]/g, '')}/${regexp.source}`;
}

/** Size and health figures of a database, for metrics and `store info`. */
export interface SqliteDatabaseStats {
  pageSize: number;
  pageCount: number;
  freePages: number;
  /** Bytes of the WAL file (read from its size: a checkpoint per scrape would be work for the metrics' sake). */
  walBytes: number;
}

export function sqliteDatabaseStats(db: SqliteDatabase): SqliteDatabaseStats {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const freePages = db.pragma('freelist_count', { simple: true }) as number;
  let walBytes = 0;
  try {
    walBytes = db.memory ? 0 : statSync(`${db.name}-wal`).size;
  } catch {
    // No WAL file yet (nothing written since the last checkpoint closed it).
  }
  return { pageSize, pageCount, freePages, walBytes };
}

/**
 * Group commit: the writes that arrive while a transaction is open share it, and one COMMIT — one append to the WAL —
 * makes all of them durable. Each write runs at once, in its own savepoint (a failing write undoes only itself), and
 * its promise settles after the COMMIT that carries it: an acknowledged write is on disk, a write whose process died
 * before the COMMIT was never acknowledged. Under load many sessions' writes share a commit, which waits
 * commitDelayMs for more; a lone writer commits on the next turn of the event loop.
 *
 * Reads on the same connection see writes not yet committed. Only a failing COMMIT (disk full, I/O error) would
 * undo them, and then every write of the batch is reported failed.
 */
export class SqliteWriteBatcher {
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = [];
  private open = false;
  private lastBatchSize = 0;

  /**
   * @param commitDelayMs how long a transaction stays open for more writes. Each commit appends every page its writes
   * touched (the index leaves they share are appended once), so waiting a few milliseconds for the other sessions'
   * writes costs each write that much latency and saves most of the WAL traffic under load.
   */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly commitDelayMs = 2,
  ) {
    this.begin = db.prepare('BEGIN');
    this.commitStatement = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    // Inside an open transaction better-sqlite3 runs a transaction function as a savepoint.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
  }

  write<T>(work: () => T): Promise<T> {
    if (!this.open) {
      this.begin.run();
      this.open = true;
      // Waiting only pays when others write too: a lone writer (an import, one task's answers in turn) would wait
      // for nobody, so it commits on the next turn; once commits carry several writes, they wait for company.
      if (this.commitDelayMs > 0 && this.lastBatchSize > 1) setTimeout(() => this.commit(), this.commitDelayMs);
      else setImmediate(() => this.commit());
    }
    let result: T;
    try {
      result = this.inSavepoint(work) as T;
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => this.waiters.push({ resolve: () => resolve(result), reject }));
  }

  /** Commits now (before a close, a backup, a checkpoint). */
  flush(): void {
    this.commit();
  }

  private commit(): void {
    if (!this.open) return;
    const waiters = this.waiters;
    this.lastBatchSize = waiters.length;
    this.waiters = [];
    this.open = false;
    try {
      this.commitStatement.run();
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }
}

/**
 * Closes a store's database the way every embedded store does: the writes waiting for their group commit are
 * committed (their promises resolve), the WAL is folded into the database so the next open (or a copy of the data
 * directory) starts from one file, then the connection closes. Closing a closed database does nothing.
 */
export function closeSqliteStore(database: SqliteDatabase, writes: SqliteWriteBatcher): void {
  if (!database.open) return;
  writes.flush();
  database.pragma('wal_checkpoint(TRUNCATE)');
  database.close();
}
