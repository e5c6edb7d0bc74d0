import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { closeSqliteStore, openSqliteDatabase, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';
import type { Statement } from 'better-sqlite3';

import type { AuditEntry, AuditLog, AuditQuery } from '../audit/audit-log.port';
import type { PrunableAuditLog } from '../audit/audit-retention';

export const AUDIT_DATABASE_FILE = 'audit.sqlite';

/** Audit files of the earlier file log (`audit.jsonl`, rotated `audit-<time>.jsonl`): imported once, then moved aside. */
const LEGACY_AUDIT_FILE = /^audit(-\d{8}T\d{9}Z(-\d+)?)?\.jsonl$/;

export interface SqliteAuditLogOptions {
  cacheMiB?: number;
  synchronous?: 'normal' | 'full';
  logger?: { info(context: object, message: string): void; warn(context: object, message: string): void };
}

/**
 * The standalone's audit log in SQLite (`<dir>/audit.sqlite`): one row per entry with the fields a query filters on as
 * columns, indexed for the listing's order (time, id descending) with and without a client or resource type, and the
 * entry itself as JSON. Memory stays the page cache's, whatever the number of entries (the file log before it kept
 * the newest 100,000 in the heap). `record` resolves after the commit that carries it (group commit, ADR 13).
 */
export class SqliteAuditLog implements AuditLog, PrunableAuditLog {
  private readonly insert: Statement;
  private readonly prune: Statement;
  private readonly writes: SqliteWriteBatcher;
  private readonly listings = new Map<string, Statement>();
  private closed = false;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly file: string,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS audit (
        id TEXT PRIMARY KEY, time INTEGER NOT NULL, client TEXT NOT NULL, resource_type TEXT NOT NULL, outcome TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS audit_time ON audit (time DESC, id DESC);
      CREATE INDEX IF NOT EXISTS audit_client_time ON audit (client, time DESC, id DESC);
      CREATE INDEX IF NOT EXISTS audit_resource_time ON audit (resource_type, time DESC, id DESC);
    `);
    this.writes = new SqliteWriteBatcher(db);
    // Idempotent: a retried write of an entry already stored (same random id) counts as recorded.
    this.insert = db.prepare('INSERT OR IGNORE INTO audit (id, time, client, resource_type, outcome, entry) VALUES (?, ?, ?, ?, ?, ?)');
    this.prune = db.prepare('DELETE FROM audit WHERE time < ?');
  }

  /** The connection, for the embedded store's size metrics and health. */
  get database(): SqliteDatabase {
    return this.db;
  }

  /** Opens (creating) `<dir>/audit.sqlite`, importing the earlier file log's `audit*.jsonl` files found in `dir`. */
  static async open(dir: string, options: SqliteAuditLogOptions = {}): Promise<SqliteAuditLog> {
    await mkdir(dir, { recursive: true });
    const file = join(dir, AUDIT_DATABASE_FILE);
    const log = new SqliteAuditLog(openSqliteDatabase(file, { cacheMiB: options.cacheMiB ?? 16, synchronous: options.synchronous }), file);
    try {
      await log.importFileLog(dir, options.logger);
    } catch (error) {
      await log.close();
      throw error;
    }
    return log;
  }

  record(entry: AuditEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the audit log is closed'));
    return this.writes.write(() => {
      this.insert.run(entry.id, entry.time, entry.client, entry.resourceType, entry.outcome, JSON.stringify(entry));
    });
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    if (query.limit <= 0) return [];
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.client) {
      where.push('client = ?');
      params.push(query.client);
    }
    if (query.resourceType) {
      where.push('resource_type = ?');
      params.push(query.resourceType);
    }
    if (query.outcome) {
      where.push('outcome = ?');
      params.push(query.outcome);
    }
    if (query.from !== undefined) {
      where.push('time >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('time < ?');
      params.push(query.to);
    }
    if (query.before) {
      where.push('(time < ? OR (time = ? AND id < ?))');
      params.push(query.before.time, query.before.time, query.before.id);
    }
    const sql = `SELECT entry FROM audit${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time DESC, id DESC LIMIT ?`;
    let statement = this.listings.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).pluck(true);
      this.listings.set(sql, statement);
    }
    return (statement.all(...params, query.limit) as string[]).map((text) => JSON.parse(text) as AuditEntry);
  }

  async deleteOlderThan(time: number): Promise<number> {
    return this.writes.write(() => this.prune.run(time).changes);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('the audit log is closed');
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    closeSqliteStore(this.db, this.writes);
  }

  /**
   * Reads every entry of the earlier file log into the table (skipping lines a crash cut short), then moves the
   * files into `audit-imported-<time>/`. Entries are keyed by id, so an import interrupted before the move is simply
   * repeated at the next start.
   */
  private async importFileLog(dir: string, logger: SqliteAuditLogOptions['logger']): Promise<void> {
    const files = (await readdir(dir)).filter((name) => LEGACY_AUDIT_FILE.test(name)).sort();
    if (files.length === 0) return;
    let imported = 0;
    let skipped = 0;
    for (const name of files) {
      const lines = createInterface({ input: createReadStream(join(dir, name), 'utf8'), crlfDelay: Infinity });
      const batch: AuditEntry[] = [];
      const flush = this.db.transaction((entries: AuditEntry[]) => {
        for (const entry of entries) imported += this.insert.run(entry.id, entry.time, entry.client, entry.resourceType, entry.outcome, JSON.stringify(entry)).changes;
      });
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const entry = parseEntry(line);
        if (!entry) {
          skipped++;
          continue;
        }
        batch.push(entry);
        if (batch.length >= 1_000) flush(batch.splice(0));
      }
      flush(batch.splice(0));
    }
    const aside = join(dir, `audit-imported-${new Date().toISOString().replace(/[:.]/g, '')}`);
    await mkdir(aside, { recursive: true });
    for (const name of files) await rename(join(dir, name), join(aside, name));
    logger?.info({ files: files.length, imported, skipped, movedTo: aside }, 'audit log: imported the earlier audit files into audit.sqlite');
    if (skipped > 0) logger?.warn({ skipped }, 'audit log: some lines of the earlier files could not be read (cut short by a crash) and were skipped');
  }
}

function parseEntry(line: string): AuditEntry | undefined {
  try {
    const value = JSON.parse(line) as Partial<AuditEntry>;
    if (typeof value.id !== 'string' || typeof value.time !== 'number' || typeof value.client !== 'string') return undefined;
    return { credential: '', resourceType: '', outcome: '', ...value } as AuditEntry;
  } catch {
    return undefined;
  }
}
