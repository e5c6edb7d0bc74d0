import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

import Datastore from '@seald-io/nedb';

import { fileTimestamp } from '@acs/infra-sqlite';
import { DuplicateKeyError, type DocumentCollection, type StoredDocument } from '@acs/platform';
import { EMBEDDED_COLLECTIONS, embeddedDataFile, type EmbeddedCollectionName } from './embedded-store';

/** Where documents of an nedb data directory go: the SQLite store's collections (the same stored shape). */
export interface NedbImportTarget {
  collections: Record<EmbeddedCollectionName, DocumentCollection>;
}

export interface NedbImportOptions {
  /** Documents written concurrently, then reported as progress. Default 500. */
  batchSize?: number;
  onProgress?: (progress: { collection: EmbeddedCollectionName; done: number; total: number }) => void;
  now?: () => Date;
}

export interface CollectionImport {
  collection: EmbeddedCollectionName;
  /** Documents in the nedb file, after nedb applied its log (the last state of each). */
  source: number;
  inserted: number;
  /** Already in the target under the same `_id` (an earlier attempt's copy): left as they are. */
  alreadyPresent: number;
  /** Of the source's `_id`s, how many the target holds after the import: must equal `source`. */
  found: number;
}

export interface NedbImportReport {
  dataDir: string;
  collections: CollectionImport[];
  /** Where the nedb files were moved once every count matched. */
  movedTo: string;
}

/** The import did not complete; the nedb files are where they were and the next attempt starts over. */
export class NedbImportError extends Error {
  constructor(
    message: string,
    readonly collections: CollectionImport[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NedbImportError';
  }
}

/**
 * Written before the first document is copied, removed after the nedb files are moved away: while it exists an
 * import is unfinished, and the standalone retries it at start even though the SQLite store is no longer empty.
 */
export const NEDB_IMPORT_PENDING_FILE = 'nedb-import.pending';

/** The nedb data files present in a data directory (provisioning.{devices,tasks,taskResults,presets,faults}.db; earlier versions had no taskResults). */
export function nedbDataFiles(dataDir: string): string[] {
  return EMBEDDED_COLLECTIONS.map((name) => embeddedDataFile(dataDir, name)).filter((file) => existsSync(file));
}

export function nedbImportPending(dataDir: string): boolean {
  return existsSync(join(resolve(dataDir), NEDB_IMPORT_PENDING_FILE));
}

/**
 * What the standalone does with an nedb data directory at start: `import` when nedb files are there and the SQLite
 * store is empty or an earlier import did not finish; `store-not-empty` when nedb files are there but the SQLite store
 * already holds data of its own (an operator went back to ACS_STORE=nedb for a while, say): merging is then an
 * operator's decision (`npm run store -- import-nedb`); `none` otherwise.
 */
export async function nedbImportDue(dataDir: string, target: NedbImportTarget): Promise<'import' | 'store-not-empty' | 'none'> {
  if (nedbDataFiles(dataDir).length === 0) return 'none';
  if (nedbImportPending(dataDir)) return 'import';
  for (const name of EMBEDDED_COLLECTIONS) if ((await target.collections[name].count({})) > 0) return 'store-not-empty';
  return 'import';
}

/**
 * Copies every document of an nedb data directory, as stored, into the SQLite store's collections, then checks per
 * collection that every source `_id` is in the target, and only then moves the nedb files into
 * `<dataDir>/nedb-imported-<UTC time>/` (never deletes them). On a count mismatch or any error the files stay where
 * they are, NedbImportError says what happened, and running the import again picks up where it stopped.
 *
 * A document whose `_id` is already in the target is skipped, not replaced: it is either this import's own copy from
 * an attempt that did not finish (the same document), or a write the ACS made after that attempt (newer than the
 * nedb file). Either way the target's copy is the one to keep, and a rerun never rolls a document back.
 *
 * Loading is nedb's own (loadDatabaseAsync): it replays each file's append log to the last state of every document
 * and, as every start of the nedb store did, rewrites the file compacted (atomically, through a temporary file).
 */
export async function importNedbDataDirectory(dataDir: string, target: NedbImportTarget, options: NedbImportOptions = {}): Promise<NedbImportReport> {
  const dir = resolve(dataDir);
  const files = nedbDataFiles(dir);
  if (files.length === 0) {
    throw new NedbImportError(`no nedb data files (provisioning.{${EMBEDDED_COLLECTIONS.join(',')}}.db) in ${dir}: nothing to import`);
  }
  const now = options.now ?? (() => new Date());
  const batchSize = Math.max(1, options.batchSize ?? 500);
  await writeFile(join(dir, NEDB_IMPORT_PENDING_FILE), `import from nedb started ${now().toISOString()} by pid ${process.pid}\n`);

  const results: CollectionImport[] = [];
  try {
    for (const name of EMBEDDED_COLLECTIONS) {
      const file = embeddedDataFile(dir, name);
      if (!existsSync(file)) continue;
      results.push(await importCollection(name, file, target.collections[name], batchSize, options.onProgress));
    }
  } catch (error) {
    throw new NedbImportError(
      `import of the nedb data in ${dir} failed (${(error as Error).message}); the nedb files were left in place and the import runs again at the next start` +
        (results.length > 0 ? `; done before the failure: ${describeCounts(results)}` : ''),
      results,
      { cause: error },
    );
  }

  const short = results.filter((result) => result.found !== result.source);
  if (short.length > 0) {
    throw new NedbImportError(
      `import of the nedb data in ${dir} is incomplete: ${short.map((r) => `${r.collection}: ${r.source} in nedb, ${r.found} of them in SQLite`).join('; ')}; ` +
        'the nedb files were left in place and the import runs again at the next start',
      results,
    );
  }

  const movedTo = await newDirectory(join(dir, `nedb-imported-${fileTimestamp(now())}`));
  // nedb's temporary file of an interrupted compaction (`<file>~`) goes along with its data file.
  for (const file of files.flatMap((f) => [f, `${f}~`]).filter((f) => existsSync(f))) await rename(file, join(movedTo, basename(file)));
  await rm(join(dir, NEDB_IMPORT_PENDING_FILE), { force: true });
  return { dataDir: dir, collections: results, movedTo };
}

/** `base`, or `base-2`, `base-3`… when taken: files already imported are never moved over an earlier import's. */
async function newDirectory(base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`;
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** `devices 10/10 (10 new, 0 already there), …` */
export function describeCounts(results: readonly CollectionImport[]): string {
  return results.map((r) => `${r.collection} ${r.found}/${r.source} (${r.inserted} new, ${r.alreadyPresent} already there)`).join(', ');
}

async function importCollection(
  name: EmbeddedCollectionName,
  file: string,
  target: DocumentCollection,
  batchSize: number,
  onProgress: NedbImportOptions['onProgress'],
): Promise<CollectionImport> {
  const store = new Datastore<StoredDocument>({ filename: file });
  try {
    await store.loadDatabaseAsync();
  } catch (error) {
    throw new Error(`${name}: nedb cannot load ${file}: ${(error as Error).message}`, { cause: error });
  }
  const documents = store.getAllData() as StoredDocument[];
  const result: CollectionImport = { collection: name, source: documents.length, inserted: 0, alreadyPresent: 0, found: 0 };
  for (let start = 0; start < documents.length; start += batchSize) {
    const batch = documents.slice(start, start + batchSize);
    const outcomes = await Promise.allSettled(batch.map((doc) => target.insertOne(doc)));
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') result.inserted++;
      else if (outcome.reason instanceof DuplicateKeyError) result.alreadyPresent++;
      else throw new Error(`${name}: ${(outcome.reason as Error).message ?? String(outcome.reason)}`, { cause: outcome.reason });
    }
    onProgress?.({ collection: name, done: start + batch.length, total: documents.length });
  }
  for (let start = 0; start < documents.length; start += batchSize) {
    const ids = documents.slice(start, start + batchSize).map((doc) => doc._id);
    result.found += await target.count({ _id: { $in: ids } });
  }
  return result;
}
