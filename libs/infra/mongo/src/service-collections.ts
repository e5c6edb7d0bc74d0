import type { HydratedDocument, InferSchemaType, Model, ObtainSchemaGeneric, Schema } from 'mongoose';

import type { MongoConnection } from './mongo-connection';
import { guardMongo } from './mongo-errors';

/** Where the list of what the local MongoDB-protocol server (FerretDB) lacks is kept. */
export const FERRETDB_LIMITS_DOC = 'deploy/local/README.md, "What FerretDB 1.24 (SQLite) does not support"';

export type IndexDirection = 1 | -1;

/** One index of a collection, as a service declares it beside the schema. */
export interface IndexDeclaration {
  /** Key pattern, in order: 1 ascending, -1 descending. */
  fields: Readonly<Record<string, IndexDirection>>;
  unique?: boolean;
  /** Leave documents without the (first) field out of the index. The FerretDB-safe stand-in for a partial index. */
  sparse?: boolean;
  /** Default: the server's own naming, `<field>_<dir>_<field>_<dir>`. */
  name?: string;
  /** The query this index serves ("find a device by serial number on Inform"). Required: an index nobody can
   * explain is one nobody dares to drop. */
  why: string;
}

/** An index after validation: name resolved, key pattern as ordered pairs. */
export interface DeclaredIndex {
  name: string;
  fields: ReadonlyArray<readonly [string, IndexDirection]>;
  unique: boolean;
  sparse: boolean;
  why: string;
}

export interface CollectionDeclaration<TSchema extends Schema> {
  /** Short name inside the service (`devices`); the collection is `<service>.<name>` unless `collection` is set. */
  name: string;
  /** An explicit collection name, e.g. one an existing deployment already uses. */
  collection?: string;
  /** The document's schema. It must not declare indexes itself (`index: true`, `unique: true`, `schema.index()`):
   * they belong in `indexes`, where each carries its reason. */
  schema: TSchema;
  indexes: readonly IndexDeclaration[];
}

/** A collection of one service, ready to be attached to a connection. */
export interface CollectionDefinition<TSchema extends Schema = Schema> {
  readonly service: string;
  readonly name: string;
  readonly collection: string;
  /** Name of the mongoose model on the shared connection: `<service>.<name>`. */
  readonly modelName: string;
  /** The declared schema with the declared indexes added (a copy; the caller's schema is left as it was). */
  readonly schema: TSchema;
  readonly indexes: readonly DeclaredIndex[];
}

/** The mongoose model of a definition, typed from its schema. */
export type CollectionModel<TSchema extends Schema> = Model<
  InferSchemaType<TSchema>,
  ObtainSchemaGeneric<TSchema, 'TQueryHelpers'>,
  ObtainSchemaGeneric<TSchema, 'TInstanceMethods'>,
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- mongoose's own default for "no virtuals"
  {},
  HydratedDocument<InferSchemaType<TSchema>, ObtainSchemaGeneric<TSchema, 'TInstanceMethods'>, ObtainSchemaGeneric<TSchema, 'TQueryHelpers'>>,
  TSchema
> &
  ObtainSchemaGeneric<TSchema, 'TStaticMethods'>;

/** A collection or index declaration that breaks the rules; thrown when the service's module is loaded. */
export class CollectionDeclarationError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'CollectionDeclarationError';
  }
}

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
const SHORT_NAME = /^[a-z][a-zA-Z0-9_-]*$/;
const COLLECTION_NAME = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/;
const INDEX_NAME = /^[a-zA-Z0-9_.-]+$/;
const INDEX_KEYS = new Set(['fields', 'unique', 'sparse', 'name', 'why']);

/**
 * The collections one service owns, declared once at module load:
 *
 * ```ts
 * export const provisioningCollections = new ServiceCollections('provisioning');
 * export const devices = provisioningCollections.define({
 *   name: 'devices',
 *   schema: deviceSchema,
 *   indexes: [{ fields: { serialNumber: 1 }, unique: true, why: 'find the device of an Inform by serial number' }],
 * });
 * // at start:  const models = await provisioningCollections.attach(connection); models.model(devices).findOne(…)
 * ```
 *
 * Only the index kinds MongoDB and FerretDB both support are accepted (single, compound, unique, sparse), so the
 * code that runs in production is the code tested against the local server.
 */
export class ServiceCollections {
  private readonly definitions: CollectionDefinition[] = [];
  private readonly attached = new WeakMap<MongoConnection, Promise<ServiceModels>>();
  private sealed = false;

  constructor(readonly service: string) {
    if (!SERVICE_NAME.test(service)) {
      throw new CollectionDeclarationError(`service "${service}"`, 'service names are lower-case words joined by "-" (they prefix the collection names)');
    }
  }

  get collections(): readonly CollectionDefinition[] {
    return this.definitions;
  }

  define<TSchema extends Schema>(declaration: CollectionDeclaration<TSchema>): CollectionDefinition<TSchema> {
    const where = `${this.service}.${declaration.name}`;
    if (this.sealed) {
      throw new CollectionDeclarationError(where, 'declared after the service attached its collections; define every collection at module load');
    }
    if (!SHORT_NAME.test(declaration.name)) {
      throw new CollectionDeclarationError(where, 'a collection name starts with a lower-case letter and holds only letters, digits, "_" and "-"');
    }
    if (this.definitions.some((d) => d.name === declaration.name)) {
      throw new CollectionDeclarationError(where, 'declared twice');
    }
    const collection = declaration.collection ?? `${this.service}.${declaration.name}`;
    if (!COLLECTION_NAME.test(collection) || collection.startsWith('system.')) {
      throw new CollectionDeclarationError(where, `"${collection}" is not a usable collection name (letters, digits, "_", "-", "."; not system.*)`);
    }
    if (this.definitions.some((d) => d.collection === collection)) {
      throw new CollectionDeclarationError(where, `collection "${collection}" is already declared by ${this.service}.${this.definitions.find((d) => d.collection === collection)?.name}`);
    }
    rejectSchemaIndexes(where, declaration.schema);

    const indexes = declaration.indexes.map((index) => validateIndex(where, index));
    for (const [i, index] of indexes.entries()) {
      const earlier = indexes.slice(0, i);
      if (earlier.some((other) => other.name === index.name)) throw new CollectionDeclarationError(where, `two indexes are named "${index.name}"`);
      const key = JSON.stringify(index.fields);
      if (earlier.some((other) => JSON.stringify(other.fields) === key)) {
        throw new CollectionDeclarationError(where, `two indexes have the key ${describeKey(index.fields)}; MongoDB keeps one index per key pattern`);
      }
    }

    // A copy, so one schema object can back two collections without their indexes mixing.
    const schema = declaration.schema.clone<TSchema>();
    for (const index of indexes) {
      schema.index(Object.fromEntries(index.fields), { name: index.name, ...(index.unique ? { unique: true } : {}), ...(index.sparse ? { sparse: true } : {}) });
    }
    const definition: CollectionDefinition<TSchema> = {
      service: this.service,
      name: declaration.name,
      collection,
      modelName: `${this.service}.${declaration.name}`,
      schema,
      indexes,
    };
    this.definitions.push(definition as unknown as CollectionDefinition);
    return definition;
  }

  /**
   * Registers this service's models on the shared connection (once per connection; later calls return the same
   * models). When the connection has autoIndex/autoCreate on, waits until mongoose has created the collections
   * and indexes, so a failure shows at start and not as a slow query later.
   */
  attach(connection: MongoConnection): Promise<ServiceModels> {
    let attaching = this.attached.get(connection);
    if (!attaching) {
      attaching = this.register(connection);
      this.attached.set(connection, attaching);
      // A failed attach may be retried (e.g. after the server comes back).
      attaching.catch(() => this.attached.delete(connection));
    }
    return attaching;
  }

  private async register(connection: MongoConnection): Promise<ServiceModels> {
    this.sealed = true;
    connection.claimCollections(
      this,
      this.service,
      this.definitions.map((d) => d.collection),
    );
    const models = new Map<CollectionDefinition, Model<unknown>>();
    for (const definition of this.definitions) {
      // Present when an earlier attach failed half-way (mongoose refuses to compile a model name twice).
      const existing = connection.connection.models[definition.modelName] as Model<unknown> | undefined;
      models.set(definition, existing ?? (connection.connection.model(definition.modelName, definition.schema, definition.collection) as Model<unknown>));
    }
    await Promise.all([...models.values()].map((model) => guardMongo(() => model.init())));
    return new ServiceModels(this.service, models);
  }
}

/** The models of one service on one connection. */
export class ServiceModels {
  constructor(
    readonly service: string,
    private readonly models: ReadonlyMap<CollectionDefinition, Model<unknown>>,
  ) {}

  model<TSchema extends Schema>(definition: CollectionDefinition<TSchema>): CollectionModel<TSchema> {
    const model = this.models.get(definition as unknown as CollectionDefinition);
    if (!model) {
      throw new CollectionDeclarationError(`${definition.service}.${definition.name}`, `not a collection of service "${this.service}"`);
    }
    return model as unknown as CollectionModel<TSchema>;
  }
}

/** `{ a: 1, b: -1 }` → `a_1_b_-1`, the name MongoDB gives an index when none is set. */
export function defaultIndexName(fields: ReadonlyArray<readonly [string, IndexDirection]>): string {
  return fields.map(([field, direction]) => `${field}_${direction}`).join('_');
}

export function describeKey(fields: ReadonlyArray<readonly [string, IndexDirection]>): string {
  return `{ ${fields.map(([field, direction]) => `${field}: ${direction}`).join(', ')} }`;
}

function validateIndex(where: string, declaration: IndexDeclaration): DeclaredIndex {
  // Read as a plain record: declarations come from TypeScript, but the rules must also hold for casts and JS.
  const raw = declaration as unknown as Record<string, unknown>;
  const fields = Object.entries((raw.fields ?? {}) as Record<string, unknown>);
  const label = `index ${fields.length > 0 ? describeKey(fields as Array<[string, IndexDirection]>) : '(no fields)'}`;
  const at = `${where}, ${label}`;

  if ('expireAfterSeconds' in raw || 'expires' in raw) {
    throw new CollectionDeclarationError(
      at,
      `TTL indexes (expireAfterSeconds) are not supported by FerretDB (see ${FERRETDB_LIMITS_DOC}); expire documents with a sweeper job that runs deleteMany({ <dateField>: { $lt: now } }) instead`,
    );
  }
  if ('partialFilterExpression' in raw) {
    throw new CollectionDeclarationError(
      at,
      `partial indexes (partialFilterExpression) are not supported by FerretDB (see ${FERRETDB_LIMITS_DOC}); use sparse: true when "documents that have the field" is the filter`,
    );
  }
  const unknownOptions = Object.keys(raw).filter((key) => !INDEX_KEYS.has(key));
  if (unknownOptions.length > 0) {
    throw new CollectionDeclarationError(
      at,
      `unsupported index option(s) ${unknownOptions.join(', ')}: only fields, unique, sparse, name and why are accepted, the subset MongoDB and FerretDB share (see ${FERRETDB_LIMITS_DOC})`,
    );
  }
  if (typeof raw.why !== 'string' || raw.why.trim() === '') {
    throw new CollectionDeclarationError(at, 'every index needs a `why`: the query it serves (e.g. "find the device of an Inform by serial number")');
  }
  if (fields.length === 0) throw new CollectionDeclarationError(at, 'an index needs at least one field');
  for (const [field, direction] of fields) {
    if (direction !== 1 && direction !== -1) {
      throw new CollectionDeclarationError(
        at,
        `field "${field}" has index type ${JSON.stringify(direction)}; only 1 and -1 are supported (text, hashed, 2d and 2dsphere indexes are not, see ${FERRETDB_LIMITS_DOC})`,
      );
    }
    if (field === '' || field.startsWith('$') || field.split('.').some((part) => part === '')) {
      throw new CollectionDeclarationError(at, `"${field}" is not a field path`);
    }
  }
  if (fields.length === 1 && fields[0][0] === '_id') {
    throw new CollectionDeclarationError(at, 'every collection already has its unique _id index');
  }
  for (const flag of ['unique', 'sparse'] as const) {
    if (raw[flag] !== undefined && typeof raw[flag] !== 'boolean') throw new CollectionDeclarationError(at, `${flag} must be true or false`);
  }
  const ordered = fields as Array<[string, IndexDirection]>;
  const name = raw.name === undefined ? defaultIndexName(ordered) : raw.name;
  if (typeof name !== 'string' || !INDEX_NAME.test(name) || name === '_id_') {
    throw new CollectionDeclarationError(at, `"${String(name)}" is not a usable index name`);
  }
  return { name, fields: ordered, unique: raw.unique === true, sparse: raw.sparse === true, why: raw.why.trim() };
}

/** Indexes written into the schema itself carry no reason; say where they belong instead (with TTL/partial hints). */
function rejectSchemaIndexes(where: string, schema: Schema): void {
  for (const [fields, options] of schema.indexes()) {
    const key = Object.entries(fields as Record<string, IndexDirection>);
    const at = `${where}, schema index ${describeKey(key)}`;
    const opts = (options ?? {}) as Record<string, unknown>;
    if (opts.expireAfterSeconds !== undefined || opts.expires !== undefined) {
      throw new CollectionDeclarationError(
        at,
        `TTL indexes (expires / expireAfterSeconds) are not supported by FerretDB (see ${FERRETDB_LIMITS_DOC}); expire documents with a sweeper job instead`,
      );
    }
    if (opts.partialFilterExpression !== undefined) {
      throw new CollectionDeclarationError(at, `partial indexes are not supported by FerretDB (see ${FERRETDB_LIMITS_DOC}); use sparse: true instead`);
    }
    throw new CollectionDeclarationError(
      at,
      'declared in the schema (index/unique/sparse on a path, or schema.index()); declare it in `indexes` instead, with a `why` naming the query it serves',
    );
  }
}
