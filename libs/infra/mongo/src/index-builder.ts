import type { MongoConnection } from './mongo-connection';
import { guardMongo, MongoUnavailableError } from './mongo-errors';
import { describeKey, type CollectionDefinition, type DeclaredIndex, type IndexDirection, type ServiceCollections } from './service-collections';

/** An index as `listIndexes` reports it. */
export interface ExistingIndex {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  [option: string]: unknown;
}

export type IndexStep =
  | { action: 'create'; index: DeclaredIndex }
  | { action: 'drop'; name: string; reason: string }
  | { action: 'keep'; index: DeclaredIndex };

export interface IndexServerTraits {
  /**
   * Whether `listIndexes` tells sparse indexes apart. FerretDB 1.24 accepts `sparse: true` but does not report
   * it, so there a declared sparse index would look different from its built self on every run.
   */
  reportsSparse: boolean;
}

/** Options `listIndexes` may show that say nothing about what the index contains or enforces. */
const NEUTRAL_OPTIONS = new Set(['v', 'key', 'name', 'ns', 'background', 'unique', 'sparse']);

/**
 * What to do so the collection has exactly the declared indexes (plus `_id_`): drop the undeclared ones and the
 * ones declared differently, create the missing ones. Indexes are matched by name; drops come first, so a
 * re-declared index (same name, other options) is rebuilt and a renamed one does not clash with its old self.
 */
export function planIndexChanges(declared: readonly DeclaredIndex[], existing: readonly ExistingIndex[], server: IndexServerTraits): IndexStep[] {
  const drops: IndexStep[] = [];
  const creates: IndexStep[] = [];
  const keeps: IndexStep[] = [];
  const built = new Map(existing.filter((index) => index.name !== '_id_').map((index) => [index.name, index]));
  for (const [name, index] of built) {
    if (!declared.some((d) => d.name === name)) drops.push({ action: 'drop', name, reason: `not declared (key ${describeExistingKey(index)})` });
  }
  for (const index of declared) {
    const current = built.get(index.name);
    if (!current) {
      creates.push({ action: 'create', index });
      continue;
    }
    const differences = differencesOf(index, current, server);
    if (differences.length === 0) {
      keeps.push({ action: 'keep', index });
    } else {
      drops.push({ action: 'drop', name: index.name, reason: `declared differently: ${differences.join('; ')}` });
      creates.push({ action: 'create', index });
    }
  }
  return [...drops, ...creates, ...keeps];
}

function differencesOf(declared: DeclaredIndex, current: ExistingIndex, server: IndexServerTraits): string[] {
  const differences: string[] = [];
  const currentKey = Object.entries(current.key);
  const sameKey =
    currentKey.length === declared.fields.length &&
    currentKey.every(([field, direction], i) => declared.fields[i][0] === field && Number(direction) === declared.fields[i][1]);
  if (!sameKey) differences.push(`key ${describeExistingKey(current)} → ${describeKey(declared.fields)}`);
  if ((current.unique === true) !== declared.unique) differences.push(`unique ${current.unique === true} → ${declared.unique}`);
  if (server.reportsSparse && (current.sparse === true) !== declared.sparse) differences.push(`sparse ${current.sparse === true} → ${declared.sparse}`);
  const extra = Object.keys(current).filter((option) => !NEUTRAL_OPTIONS.has(option));
  if (extra.length > 0) differences.push(`has options not declared: ${extra.join(', ')}`);
  return differences;
}

function describeExistingKey(index: ExistingIndex): string {
  return describeKey(Object.entries(index.key) as Array<[string, IndexDirection]>);
}

export interface CollectionIndexReport {
  service: string;
  collection: string;
  steps: IndexStep[];
}

export interface IndexBuildReport {
  dryRun: boolean;
  collections: CollectionIndexReport[];
  created: number;
  dropped: number;
  kept: number;
}

export interface IndexBuildOptions {
  /** Report what would change without changing anything. */
  dryRun?: boolean;
  /** One line per index step (created, dropped, kept), as it happens. */
  log?: (line: string) => void;
}

/**
 * The explicit index command: brings every collection of the given services to exactly its declared indexes,
 * creating the collections that do not exist yet. Production runs it on purpose (`npm run db:indexes`) because
 * autoIndex is off there.
 *
 * Not mongoose's `syncIndexes()`: its diff compares everything `listIndexes` returns, and FerretDB does not report
 * `sparse`, so it would drop and rebuild every sparse index on every run; and its report has no room for the reason
 * each index exists.
 */
export async function buildIndexes(
  connection: MongoConnection,
  registries: readonly ServiceCollections[],
  options: IndexBuildOptions = {},
): Promise<IndexBuildReport> {
  const dryRun = options.dryRun ?? false;
  const log = options.log ?? (() => undefined);
  const server: IndexServerTraits = { reportsSparse: connection.server.ferretdb === undefined };
  const report: IndexBuildReport = { dryRun, collections: [], created: 0, dropped: 0, kept: 0 };

  for (const registry of registries) {
    // Attaching claims the collections, so two services declaring the same one fail here, before any change.
    await registry.attach(connection);
    for (const definition of registry.collections) {
      const steps = await buildCollectionIndexes(connection, definition, server, dryRun, log);
      report.collections.push({ service: registry.service, collection: definition.collection, steps });
      for (const step of steps) {
        if (step.action === 'create') report.created += 1;
        else if (step.action === 'drop') report.dropped += 1;
        else report.kept += 1;
      }
    }
  }
  return report;
}

async function buildCollectionIndexes(
  connection: MongoConnection,
  definition: CollectionDefinition,
  server: IndexServerTraits,
  dryRun: boolean,
  log: (line: string) => void,
): Promise<IndexStep[]> {
  const db = connection.connection.db;
  if (!db) throw new MongoUnavailableError(`MongoDB connection to ${connection.displayUrl} is closed`);
  const collection = db.collection(definition.collection);
  const existing = await guardMongo(() => collection.listIndexes().toArray()).catch((error: unknown) => {
    if (isNamespaceNotFound(error)) return null;
    throw error;
  });
  const steps = planIndexChanges(definition.indexes, (existing ?? []) as ExistingIndex[], server);
  const prefix = `${definition.collection}:`;
  const would = dryRun ? 'would ' : '';

  if (!dryRun && existing === null) {
    await guardMongo(() => db.createCollection(definition.collection)).catch((error: unknown) => {
      // Created meanwhile by another runner or by a first insert: what we wanted.
      if (!isNamespaceExists(error)) throw error;
    });
    log(`${prefix} created the collection`);
  } else if (existing === null) {
    log(`${prefix} would create the collection`);
  }
  for (const step of steps) {
    switch (step.action) {
      case 'drop':
        if (!dryRun) await guardMongo(() => collection.dropIndex(step.name));
        log(`${prefix} ${would}drop ${step.name} — ${step.reason}`);
        break;
      case 'create': {
        const { index } = step;
        if (!dryRun) {
          await guardMongo(() =>
            collection.createIndex(Object.fromEntries(index.fields), {
              name: index.name,
              ...(index.unique ? { unique: true } : {}),
              ...(index.sparse ? { sparse: true } : {}),
              // Shows in the server's log and currentOp while a long build runs.
              comment: `${definition.service}: ${index.why}`,
            }),
          );
        }
        log(`${prefix} ${would}create ${describeIndex(index)} — ${index.why}`);
        break;
      }
      case 'keep':
        log(`${prefix} keep ${describeIndex(step.index)}`);
        break;
    }
  }
  return steps;
}

function describeIndex(index: DeclaredIndex): string {
  const flags = [index.unique ? 'unique' : '', index.sparse ? 'sparse' : ''].filter(Boolean);
  return `${index.name} ${describeKey(index.fields)}${flags.length > 0 ? ` ${flags.join(' ')}` : ''}`;
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function isNamespaceNotFound(error: unknown): boolean {
  return codeOf(error) === 26;
}

function isNamespaceExists(error: unknown): boolean {
  return codeOf(error) === 48;
}

/** One line summing up a build, for the CLI's last line. */
export function summarizeIndexBuild(report: IndexBuildReport): string {
  const verb = report.dryRun ? 'would create' : 'created';
  const dropVerb = report.dryRun ? 'would drop' : 'dropped';
  return `${report.collections.length} collection(s): ${verb} ${report.created}, ${dropVerb} ${report.dropped}, kept ${report.kept} index(es)`;
}
