/**
 * The few document operations the services' repositories need, in the subset MongoDB, FerretDB 1.24, SQLite (the
 * embedded store) and nedb all perform the same way. Each repository is written once against this; an adapter
 * (libs/infra/sqlite, Mongo, nedb) translates it. That
 * keeps the semantics that matter (compare-and-set, targeted parameter writes, the recentEvents cap) in one place
 * instead of two copies that drift.
 *
 * Deliberately missing, because one of the three stores gets it wrong (deploy/local/README.md): `$push` with
 * `$slice`/`$position` (FerretDB ignores them; plain `$push` with `$each` is `push`), `$pull` with a condition (FerretDB removes nothing; nedb has no
 * `$pullAll`, so `pullAll` is translated per store), `$setOnInsert` (nedb has none), transactions, `$expr`.
 */
export type StoredDocument = { _id: string } & Record<string, unknown>;

export type DocumentFilter = Record<string, unknown>;

export type DocumentSort = ReadonlyArray<readonly [string, 1 | -1]>;

/** Inclusion projection: stored field paths to read (`_id` always comes back). */
export type DocumentProjection = readonly string[];

export interface FindOptions {
  projection?: DocumentProjection;
  sort?: DocumentSort;
  skip?: number;
  limit?: number;
  /**
   * The caller walks the matches in sort order page after page (keyset paging: each page starts after the last
   * key), each page read to its limit. A store that can test a document's array elements or nested values per
   * document, instead of collecting every match before each page, does so (SQLite); the answer is the same.
   */
  walk?: boolean;
}

/** A store-neutral update. Fields named in two parts must not overlap (MongoDB refuses conflicting paths). */
export interface DocumentUpdate {
  set?: Record<string, unknown>;
  unset?: readonly string[];
  inc?: Record<string, number>;
  /** Add each value unless already present. */
  addToSet?: Record<string, readonly unknown[]>;
  /** Remove every occurrence of each value. */
  pullAll?: Record<string, readonly unknown[]>;
  /**
   * Append the values, in order, to the array at each field (creating it when absent): `$push` with `$each`, so a
   * time series bucket takes a sample with one atomic update instead of a read and a rewrite.
   */
  push?: Record<string, readonly unknown[]>;
}

export interface DocumentCollection {
  readonly name: string;
  findOne(filter: DocumentFilter, projection?: DocumentProjection): Promise<StoredDocument | null>;
  find(filter: DocumentFilter, options?: FindOptions): Promise<StoredDocument[]>;
  count(filter: DocumentFilter): Promise<number>;
  /** DuplicateKeyError when the `_id` (or a unique index) is taken. */
  insertOne(doc: StoredDocument): Promise<void>;
  /** Updates the first match; whether one matched. */
  updateOne(filter: DocumentFilter, update: DocumentUpdate): Promise<boolean>;
  /**
   * Updates the first match and returns it as it is after the update (only the projected fields, when a projection
   * is given: a device's parameter tree is most of its size), or null when none matched.
   */
  findOneAndUpdate(filter: DocumentFilter, update: DocumentUpdate, projection?: DocumentProjection): Promise<StoredDocument | null>;
  /** Replaces the first match (its `_id` stays); with `upsert`, inserts `doc` when none matches. */
  replaceOne(filter: DocumentFilter, doc: StoredDocument, options?: { upsert?: boolean }): Promise<boolean>;
  deleteOne(filter: DocumentFilter): Promise<boolean>;
  /**
   * Deletes every match; how many. One statement on the store (not a read and a delete per document), so removing a
   * group's 100,000 memberships is one round trip on MongoDB and one transaction on SQLite.
   */
  deleteMany(filter: DocumentFilter): Promise<number>;
}

/** A query a store cannot or will not run (an operator it does not evaluate, a malformed filter, a bad page). */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

export class DuplicateKeyError extends Error {
  constructor(collection: string, cause?: unknown) {
    super(`duplicate key in ${collection}`, { cause });
    this.name = 'DuplicateKeyError';
  }
}

export function isEmptyUpdate(update: DocumentUpdate): boolean {
  return (
    Object.keys(update.set ?? {}).length === 0 &&
    (update.unset ?? []).length === 0 &&
    Object.keys(update.inc ?? {}).length === 0 &&
    Object.values(update.addToSet ?? {}).every((values) => values.length === 0) &&
    Object.values(update.pullAll ?? {}).every((values) => values.length === 0) &&
    Object.values(update.push ?? {}).every((values) => values.length === 0)
  );
}

/**
 * A copy without `undefined` values: the MongoDB driver would store them as null (which `$exists: false` then
 * misses), nedb drops them; neither is what a domain object with an absent optional field means.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutUndefined(item)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) copy[key] = withoutUndefined(item);
  }
  return copy as T;
}

/** The value at a dotted path of a document (undefined where the path leads through a non-object). */
export function getDocumentPath(doc: Record<string, unknown>, path: string): unknown {
  if (path.indexOf('.') === -1) return doc[path];
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Sets the value at a dotted path, creating the objects on the way (undefined deletes it). InvalidQueryError when the
 * path leads through a value that is not an object.
 */
export function setDocumentPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  // Most fields a write names are top-level ones (an Inform's lastInform, softwareVersion, …).
  if (path.indexOf('.') === -1) {
    if (value === undefined) delete doc[path];
    else doc[path] = value;
    return;
  }
  const segments = path.split('.');
  let current = doc;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (next === undefined || next === null) current[segment] = {};
    else if (typeof next !== 'object') throw new InvalidQueryError(`cannot set ${path}: ${segment} is not an object`);
    current = current[segment] as Record<string, unknown>;
  }
  const last = segments[segments.length - 1];
  if (value === undefined) delete current[last];
  else current[last] = value;
}

/**
 * The projected fields of a whole document (and its `_id`), as a store that projects would return it: for stores
 * that cannot project a findOneAndUpdate themselves (FerretDB 1.24 refuses findAndModify's `fields`).
 */
export function projectDocument(doc: StoredDocument, projection: DocumentProjection | undefined): StoredDocument {
  if (!projection || projection.length === 0) return doc;
  const projected: StoredDocument = { _id: doc._id };
  for (const field of projection) {
    if (field === '_id') continue;
    const value = getDocumentPath(doc, field);
    if (value !== undefined) setDocumentPath(projected, field, value);
  }
  return projected;
}
