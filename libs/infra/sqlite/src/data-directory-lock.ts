import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

import Database from 'better-sqlite3';

/** A second process on a data directory another one is using. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: string | undefined,
  ) {
    super(
      `the data directory ${dataDir} is in use by another ACS process${owner ? ` (${owner})` : ''}; ` +
        'one process per data directory: stop it, or start this one with another ACS_DATA_DIR',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

export interface DataDirectoryLock {
  readonly dataDir: string;
  release(): void;
}

const LOCK_FILE = 'acs.lock';
const OWNER_FILE = 'acs.lock.owner';

/**
 * Claims a data directory for this process, or throws DataDirectoryInUseError. The lock is an exclusive lock SQLite
 * takes on a small file of its own and keeps while the connection is open (locking_mode=EXCLUSIVE): the kernel
 * releases it when the process dies, `kill -9` included, so there is no stale lock to clean up, and a second process —
 * or a second open in the same process — is refused at once. Node has no flock(); SQLite's file locking is the
 * portable one at hand. Who holds it is written beside it, for the message.
 */
export function lockDataDirectory(dataDir: string): DataDirectoryLock {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write after EXCLUSIVE mode takes the exclusive lock and keeps it until the connection closes.
    db.exec('CREATE TABLE IF NOT EXISTS lock_owner (id INTEGER PRIMARY KEY, owner TEXT NOT NULL)');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw new DataDirectoryInUseError(dir, readOwner(dir));
    throw error;
  }
  const owner = `pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}`;
  try {
    writeFileSync(join(dir, OWNER_FILE), `${owner}\n`);
  } catch {
    // Only the message of a refused second process uses it.
  }
  let released = false;
  return {
    dataDir: dir,
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function readOwner(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, OWNER_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
