import {
  DuplicateKeyError,
  getDocumentPath,
  InvalidQueryError,
  isEmptyUpdate,
  setDocumentPath,
  type DocumentCollection,
  type DocumentFilter,
  type DocumentProjection,
  type DocumentSort,
  type DocumentUpdate,
  type FindOptions,
  type StoredDocument,
} from '@acs/platform';
import type { Statement } from 'better-sqlite3';

import { SqliteWriteBatcher, type SqliteDatabase } from './sqlite-database';
import { jsonPathOf, SqliteFilterTranslator, type FieldLocation, type FilterLayout, type TreeMetaKey } from './sqlite-filter';

/** How one collection is laid out in SQLite. */
export interface SqliteCollectionSpec {
  /** Table name (letters, digits, `_`); the collection is named `<prefix>.<name>` in errors. */
  name: string;
  /** Indexes over document fields, each a list of fields (`_id` or dotted document fields), in order. */
  indexes?: ReadonlyArray<readonly string[]>;
  /** Fields holding arrays of scalars that filters test by element (tags): mirrored one row per element. */
  arrayFields?: readonly string[];
  /**
   * A field holding a parameter tree (`{ Device: { _at, DeviceInfo: { SoftwareVersion: { _v, _t, _w, _at } } } }`),
   * stored one row per node instead of inside the document, so that changing a parameter writes its row only and a
   * filter on a parameter's value is an index lookup.
   */
  treeField?: string;
}

/**
 * A collection's indexes as SqliteCollectionSpec takes them, from its MongoDB declaration (`fields` as
 * `[field, direction]` pairs), so a query is served the same way on both stores. Indexes over an array field are
 * left out: SQLite serves those from the field's side table.
 */
export function sqliteIndexesOf(
  definition: { indexes: ReadonlyArray<{ fields: ReadonlyArray<readonly [string, unknown]> }> },
  arrayFields: readonly string[] = [],
): string[][] {
  return definition.indexes.map((index) => index.fields.map(([field]) => field)).filter((fields) => !fields.some((field) => arrayFields.includes(field)));
}

const TREE_META_KEYS: ReadonlySet<string> = new Set<TreeMetaKey>(['_v', '_t', '_w', '_o', '_at']);
/** Node fields in the order writeNodes binds them, and the columns each is stored in (columnsOf's order). */
const NODE_FIELD_ORDER: readonly TreeMetaKey[] = ['_v', '_t', '_w', '_o', '_at'];
const NODE_COLUMNS: Record<TreeMetaKey, readonly string[]> = { _v: ['v', 'vb'], _t: ['t'], _w: ['w'], _o: ['o'], _at: ['at'] };
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface DocRow {
  seq: number;
  id: string;
  doc: string;
  /** The document already parsed, when the caller has it. */
  body?: Record<string, unknown>;
}

/** A node row as read raw: path, v, vb, t, w, o, at. */
type TreeRow = [number, string | number | null, number, number | null, number | null, number | null, number | null];

type NodeFields = Partial<Record<TreeMetaKey, unknown>>;

/**
 * A DocumentCollection on SQLite. Each document is a row `(seq, id, doc)`: `doc` is the document as JSONB without
 * `_id` and without its parameter tree; expression indexes serve the declared fields; array fields have a side table
 * of elements; the tree (when declared) is a table of nodes keyed by (document, path), paths and type names interned
 * in a dictionary so a node costs a few bytes beyond its value.
 *
 * Every operation is synchronous inside SQLite, so a filtered update (compare-and-set) is atomic, and every write is
 * one transaction: a process killed mid-write leaves the previous state, never a torn one.
 */
export class SqliteCollection implements DocumentCollection, FilterLayout {
  readonly name: string;
  readonly table: string;
  private readonly arrayFields: ReadonlySet<string>;
  private readonly treeField: string | undefined;
  private readonly statements = new Map<string, Statement>();
  private readonly idsByText = new Map<string, number>();
  private readonly textsById = new Map<number, string>();
  private readonly locations = new Map<string, FieldLocation>();
  /**
   * Indexed document fields → the column mirroring each (`doc ->> path`). Indexes are on these columns rather than on
   * expressions of `doc`: SQLite rewrites every index over a column an UPDATE sets, so with expression indexes each
   * write of a document (every Inform) rewrote all seven of the device indexes; a column is set only when its value
   * changed, so an Inform touches the lastInform index and the row.
   */
  private readonly columns = new Map<string, string>();

  private readonly writes: SqliteWriteBatcher;

  constructor(
    private readonly db: SqliteDatabase,
    spec: SqliteCollectionSpec,
    options: { prefix?: string; writes?: SqliteWriteBatcher } = {},
  ) {
    const prefix = options.prefix ?? '';
    this.writes = options.writes ?? new SqliteWriteBatcher(db);
    if (!IDENTIFIER.test(spec.name)) throw new Error(`collection name ${spec.name} is not an identifier`);
    this.table = spec.name;
    this.name = prefix ? `${prefix}.${spec.name}` : spec.name;
    this.arrayFields = new Set(spec.arrayFields ?? []);
    this.treeField = spec.treeField;
    for (const field of [...this.arrayFields]) if (!IDENTIFIER.test(field)) throw new Error(`array field ${field} is not an identifier`);
    this.createSchema(spec);
  }

  private createSchema(spec: SqliteCollectionSpec): void {
    const t = this.table;
    const ddl = [`CREATE TABLE IF NOT EXISTS ${t} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc BLOB NOT NULL)`];
    for (const fields of spec.indexes ?? []) {
      for (const field of fields) {
        if (field === '_id' || this.columns.has(field)) continue;
        const column = `f_${field.replace(/\W/g, '_')}`;
        if ([...this.columns.values()].includes(column)) throw new Error(`${this.name}: indexed fields ${field} and another map to one column ${column}`);
        this.columns.set(field, column);
      }
    }
    (spec.indexes ?? []).forEach((fields, index) => {
      const columns = fields.map((field) => (field === '_id' ? 'id' : this.columns.get(field)!));
      ddl.push(`CREATE INDEX IF NOT EXISTS ${t}_c_${fields.map((f) => f.replace(/\W/g, '_')).join('_')}_${index} ON ${t} (${columns.join(', ')})`);
    });
    for (const field of this.arrayFields) {
      ddl.push(`CREATE TABLE IF NOT EXISTS ${this.arrayTable(field)} (seq INTEGER NOT NULL, value, PRIMARY KEY (seq, value)) WITHOUT ROWID`);
      ddl.push(`CREATE INDEX IF NOT EXISTS ${this.arrayTable(field)}_value ON ${this.arrayTable(field)} (value, seq)`);
    }
    if (this.treeField !== undefined) {
      ddl.push(`CREATE TABLE IF NOT EXISTS ${t}__dict (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE)`);
      // vb marks a boolean value (stored 1/0); t is the interned type name.
      ddl.push(
        `CREATE TABLE IF NOT EXISTS ${t}__tree (doc INTEGER NOT NULL, path INTEGER NOT NULL, v, vb INTEGER NOT NULL DEFAULT 0, t INTEGER, w INTEGER, o INTEGER, at INTEGER, PRIMARY KEY (doc, path)) WITHOUT ROWID`,
      );
      ddl.push(`CREATE INDEX IF NOT EXISTS ${t}__tree_value ON ${t}__tree (path, v)`);
    }
    this.writes.flush();
    this.db.transaction(() => {
      this.db.exec(ddl[0]);
      // A store written before the index columns (expression indexes `<table>_i_…`): add and fill the columns, drop
      // the old indexes. A column added later to the spec is filled the same way.
      const present = new Set((this.db.prepare(`PRAGMA table_info(${t})`).all() as Array<{ name: string }>).map((c) => c.name));
      for (const [field, column] of this.columns) {
        if (present.has(column)) continue;
        this.db.exec(`ALTER TABLE ${t} ADD COLUMN ${column}`);
        this.db.exec(`UPDATE ${t} SET ${column} = doc ->> '${jsonPathOf(field)}'`);
      }
      const legacy = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE ? ESCAPE '!'`).all(t, `${t}!_i!_%`) as Array<{ name: string }>;
      for (const { name } of legacy) this.db.exec(`DROP INDEX ${name}`);
      for (const statement of ddl.slice(1)) this.db.exec(statement);
    })();
  }

  // ---- FilterLayout

  locate(field: string): FieldLocation {
    let location = this.locations.get(field);
    if (location === undefined) {
      location = this.locateUncached(field);
      // Sessions name the same few hundred fields again and again; the bound only guards against hostile variety.
      if (this.locations.size > 50_000) this.locations.clear();
      this.locations.set(field, location);
    }
    return location;
  }

  private locateUncached(field: string): FieldLocation {
    if (field === '_id') return { kind: 'id' };
    if (field === '' || field.split('.').some((segment) => segment === '')) throw new InvalidQueryError(`field "${field}" has an empty segment`);
    if (this.treeField !== undefined && (field === this.treeField || field.startsWith(`${this.treeField}.`))) {
      const segments = field.split('.').slice(1);
      const last = segments[segments.length - 1];
      if (last !== undefined && TREE_META_KEYS.has(last)) return { kind: 'tree', path: segments.slice(0, -1).join('.'), meta: last as TreeMetaKey };
      if (last !== undefined && last.startsWith('_')) throw new InvalidQueryError(`${field}: ${last} is not a node field`);
      return { kind: 'tree', path: segments.join('.') };
    }
    if (this.arrayFields.has(field)) return { kind: 'array', field };
    const column = this.columns.get(field);
    return column === undefined ? { kind: 'doc', jsonPath: jsonPathOf(field) } : { kind: 'doc', jsonPath: jsonPathOf(field), column };
  }

  arrayTable(field: string): string {
    return `${this.table}__${field}`;
  }

  treeTable(): string {
    return `${this.table}__tree`;
  }

  internedId(text: string): number | undefined {
    const cached = this.idsByText.get(text);
    if (cached !== undefined) return cached;
    const row = this.statement('dict-get', `SELECT id FROM ${this.table}__dict WHERE text = ?`).get(text) as { id: number } | undefined;
    if (row) this.remember(text, row.id);
    return row?.id;
  }

  subtreeIds(path: string, params: unknown[]): string {
    if (path === '') return `SELECT id FROM ${this.table}__dict`;
    params.push(path, `${path}.`, `${path}/`);
    return `SELECT id FROM ${this.table}__dict WHERE text = ? UNION ALL SELECT id FROM ${this.table}__dict WHERE text >= ? AND text < ?`;
  }

  // ---- DocumentCollection

  async findOne(filter: DocumentFilter, projection?: DocumentProjection): Promise<StoredDocument | null> {
    const row = this.firstRow(filter);
    return row ? this.materialize(row, projection) : null;
  }

  async find(filter: DocumentFilter, options: FindOptions = {}): Promise<StoredDocument[]> {
    const translator = new SqliteFilterTranslator(this, { probe: options.walk === true });
    const where = translator.translate(filter);
    const order = this.orderBy(options.sort ?? [], translator);
    const limit = options.limit ? options.limit : -1;
    const sql = `SELECT d.seq, d.id, json(d.doc) AS doc FROM ${this.table} d WHERE ${where}${order} LIMIT ${translator.param(limit)} OFFSET ${translator.param(options.skip ?? 0)}`;
    const rows = this.prepare(sql).all(...translator.params) as DocRow[];
    return rows.map((row) => this.materialize(row, options.projection));
  }

  async count(filter: DocumentFilter): Promise<number> {
    const translator = new SqliteFilterTranslator(this);
    const where = translator.translate(filter);
    const row = this.prepare(`SELECT count(*) AS n FROM ${this.table} d WHERE ${where}`).get(...translator.params) as { n: number };
    return row.n;
  }

  insertOne(doc: StoredDocument): Promise<void> {
    return this.writes.write(() => this.insert(doc));
  }

  updateOne(filter: DocumentFilter, update: DocumentUpdate): Promise<boolean> {
    return this.writes.write(() => this.update(filter, update) !== null);
  }

  findOneAndUpdate(filter: DocumentFilter, update: DocumentUpdate, projection?: DocumentProjection): Promise<StoredDocument | null> {
    return this.writes.write(() => {
      const row = this.update(filter, update);
      return row ? this.materialize(row, projection) : null;
    });
  }

  replaceOne(filter: DocumentFilter, doc: StoredDocument, options: { upsert?: boolean } = {}): Promise<boolean> {
    return this.writes.write(() => {
      const row = this.firstRow(filter);
      if (!row) {
        if (!options.upsert) return false;
        this.insert(doc);
        return true;
      }
      if (doc._id !== undefined && doc._id !== row.id) throw new InvalidQueryError(`a replacement may not change _id (${row.id} → ${String(doc._id)})`);
      const { body, tree } = this.split(doc);
      this.writeDoc(row.seq, JSON.stringify(body), [...this.columns.keys()]);
      if (this.treeField !== undefined) {
        this.statement('tree-clear', `DELETE FROM ${this.treeTable()} WHERE doc = ?`).run(row.seq);
        if (tree !== undefined) this.insertTree(row.seq, '', tree);
      }
      for (const field of this.arrayFields) this.syncArray(row.seq, field, body[field]);
      return true;
    });
  }

  deleteOne(filter: DocumentFilter): Promise<boolean> {
    return this.writes.write(() => {
      const row = this.firstRow(filter);
      if (!row) return false;
      this.deleteSeq(row.seq);
      return true;
    });
  }

  deleteMany(filter: DocumentFilter): Promise<number> {
    return this.writes.write(() => {
      const translator = new SqliteFilterTranslator(this);
      const where = translator.translate(filter);
      // The matches' rows first, then their side tables and documents: one write, in the batcher's transaction.
      const seqs = (this.prepare(`SELECT d.seq FROM ${this.table} d WHERE ${where}`).all(...translator.params) as Array<{ seq: number }>).map((row) => row.seq);
      for (const seq of seqs) this.deleteSeq(seq);
      return seqs.length;
    });
  }

  /** Every document, for exports and imports: `batch` documents at a time in `_id` order. */
  *scan(batch = 500): Generator<StoredDocument> {
    let after = '';
    for (;;) {
      const rows = this.statement('scan', `SELECT seq, id, json(doc) AS doc FROM ${this.table} WHERE id > ? ORDER BY id LIMIT ?`).all(after, batch) as DocRow[];
      if (rows.length === 0) return;
      for (const row of rows) yield this.materialize(row, undefined);
      after = rows[rows.length - 1].id;
    }
  }

  /**
   * SQLite's query plan for a filter, and a sort when given, one step per line (tests check which indexes a query
   * uses, and that a sorted page is read in index order rather than sorted in a temporary B-tree).
   */
  explain(filter: DocumentFilter, sort: DocumentSort = [], options: Pick<FindOptions, 'walk'> = {}): string {
    const translator = new SqliteFilterTranslator(this, { probe: options.walk === true });
    const where = translator.translate(filter);
    const order = this.orderBy(sort, translator);
    const steps = this.db.prepare(`EXPLAIN QUERY PLAN SELECT d.seq FROM ${this.table} d WHERE ${where}${order}`).all(...translator.params) as Array<{ detail: string }>;
    return steps.map((step) => step.detail).join('\n');
  }

  // ---- internals

  private firstRow(filter: DocumentFilter): DocRow | undefined {
    // Most reads and every per-session write address one document by _id: skip the translation.
    const keys = Object.keys(filter);
    if (keys.length === 1 && keys[0] === '_id' && typeof filter._id === 'string') {
      return this.statement('doc-by-id', `SELECT d.seq, d.id, json(d.doc) AS doc FROM ${this.table} d WHERE d.id = ?`).get(filter._id) as DocRow | undefined;
    }
    const translator = new SqliteFilterTranslator(this);
    const where = translator.translate(filter);
    return this.prepare(`SELECT d.seq, d.id, json(d.doc) AS doc FROM ${this.table} d WHERE ${where} LIMIT 1`).get(...translator.params) as DocRow | undefined;
  }

  private insert(doc: StoredDocument): void {
    if (typeof doc._id !== 'string') throw new InvalidQueryError(`${this.name}: a document's _id is a string`);
    const { body, tree } = this.split(doc);
    let seq: number;
    try {
      // The index columns are read off the same JSONB value, in the one INSERT.
      const fields = [...this.columns.keys()];
      const columns = fields.map((field) => `, ${this.columns.get(field)!}`).join('');
      const sql = `INSERT INTO ${this.table} (id, doc${columns}) SELECT ?, j${this.columnValues(fields)} FROM (SELECT jsonb(?) AS j)`;
      seq = Number(this.statement('doc-insert', sql).run(doc._id, JSON.stringify(body)).lastInsertRowid);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, error);
      throw error;
    }
    if (tree !== undefined) this.insertTree(seq, '', tree);
    for (const field of this.arrayFields) this.syncArray(seq, field, body[field]);
  }

  /**
   * Writes a document and the index columns of `fields` in one UPDATE (one row write), the columns read off the new
   * JSONB value with SQLite's `->>`, so they equal what filters on the document read.
   */
  private writeDoc(seq: number, text: string, fields: readonly string[]): void {
    if (fields.length === 0) {
      this.statement('doc-set', `UPDATE ${this.table} SET doc = jsonb(?) WHERE seq = ?`).run(text, seq);
      return;
    }
    const columns = fields.map((field) => `, ${this.columns.get(field)!}`).join('');
    const sql = `UPDATE ${this.table} SET (doc${columns}) = (SELECT j${this.columnValues(fields)} FROM (SELECT jsonb(?) AS j)) WHERE seq = ?`;
    this.statement(`doc-set:${fields.join(',')}`, sql).run(text, seq);
  }

  /** `, j ->> '$.a', j ->> '$.b'`: the values of the index columns of `fields` in a document aliased `j`. */
  private columnValues(fields: readonly string[]): string {
    return fields.map((field) => `, j ->> '${jsonPathOf(field)}'`).join('');
  }

  /** Applies an update to the first match inside the caller's transaction; the row as it now is, or null. */
  private update(filter: DocumentFilter, update: DocumentUpdate): DocRow | null {
    const row = this.firstRow(filter);
    if (!row) return null;
    if (isEmptyUpdate(update)) return row;
    const body = JSON.parse(row.doc) as Record<string, unknown>;
    const indexedBefore: unknown[] = [];
    for (const field of this.columns.keys()) indexedBefore.push(getDocumentPath(body, field));
    const touched = new Set<string>();
    const nodeWrites = new Map<string, NodeFields>();
    const tree = this.treeField;
    const treePrefix = `${tree}.`;
    const treeTouched = (key: string) => tree !== undefined && (key.startsWith(treePrefix) || key === tree);

    const set = update.set ?? {};
    // for…in, not Object.entries: an Inform's `$set` has dozens of keys, and this runs for every session.
    for (const key in set) {
      if (treeTouched(key)) this.setTree(row.seq, key, set[key], nodeWrites);
      else {
        setDocumentPath(body, key, set[key]);
        touched.add(topField(key));
      }
    }
    for (const key of update.unset ?? []) {
      if (treeTouched(key)) this.unsetTree(row.seq, key, nodeWrites);
      else {
        unsetPath(body, key);
        touched.add(topField(key));
      }
    }
    for (const [key, amount] of Object.entries(update.inc ?? {})) {
      if (treeTouched(key)) throw new InvalidQueryError(`$inc of ${key} inside the parameter tree`);
      const current = getDocumentPath(body, key);
      if (current !== undefined && typeof current !== 'number') throw new InvalidQueryError(`$inc of ${key}, which is not a number`);
      setDocumentPath(body, key, (current ?? 0) + amount);
      touched.add(topField(key));
    }
    for (const [key, values] of Object.entries(update.addToSet ?? {})) {
      if (values.length === 0) continue;
      const list = arrayAt(body, key, '$addToSet');
      for (const value of values) {
        // Compared in place (every Inform adds its event to a list of up to 40): no text made per element.
        const copy = JSON.parse(JSON.stringify(value)) as unknown;
        if (!list.some((item) => sameJson(item, copy))) list.push(copy);
      }
      setDocumentPath(body, key, list);
      touched.add(topField(key));
    }
    for (const [key, values] of Object.entries(update.pullAll ?? {})) {
      if (values.length === 0) continue;
      const removed = new Set(values.map((value) => JSON.stringify(value)));
      const list = getDocumentPath(body, key);
      if (list === undefined) continue;
      if (!Array.isArray(list)) throw new InvalidQueryError(`$pullAll of ${key}, which is not an array`);
      setDocumentPath(body, key, list.filter((item) => !removed.has(JSON.stringify(item))));
      touched.add(topField(key));
    }
    for (const [key, values] of Object.entries(update.push ?? {})) {
      if (values.length === 0) continue;
      if (treeTouched(key)) throw new InvalidQueryError(`$push to ${key} inside the parameter tree`);
      const list = arrayAt(body, key, '$push');
      for (const value of values) list.push(JSON.parse(JSON.stringify(value)) as unknown);
      setDocumentPath(body, key, list);
      touched.add(topField(key));
    }
    this.writeNodes(row.seq, nodeWrites);
    if (touched.size > 0) {
      const text = JSON.stringify(body);
      const changed: string[] = [];
      let i = 0;
      for (const field of this.columns.keys()) {
        if (!sameJson(indexedBefore[i++], getDocumentPath(body, field))) changed.push(field);
      }
      this.writeDoc(row.seq, text, changed);
      for (const field of this.arrayFields) if (touched.has(field)) this.syncArray(row.seq, field, body[field]);
      return { ...row, doc: text, body };
    }
    return { ...row, body };
  }

  private setTree(seq: number, key: string, value: unknown, nodeWrites: Map<string, NodeFields>): void {
    const location = this.locate(key) as Extract<FieldLocation, { kind: 'tree' }>;
    if (location.meta !== undefined) {
      const fields = nodeWrites.get(location.path) ?? {};
      fields[location.meta] = value;
      nodeWrites.set(location.path, fields);
      return;
    }
    // A whole subtree (or the whole tree) replaces what was there: pending node writes inside it come first.
    this.writeNodes(seq, nodeWrites);
    nodeWrites.clear();
    this.deleteSubtree(seq, location.path);
    if (value !== null && value !== undefined) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidQueryError(`${key}: a parameter subtree is an object`);
      this.insertTree(seq, location.path, value as Record<string, unknown>);
    }
  }

  private unsetTree(seq: number, key: string, nodeWrites: Map<string, NodeFields>): void {
    const location = this.locate(key) as Extract<FieldLocation, { kind: 'tree' }>;
    if (location.meta !== undefined) {
      const fields = nodeWrites.get(location.path) ?? {};
      fields[location.meta] = null;
      nodeWrites.set(location.path, fields);
      return;
    }
    this.writeNodes(seq, nodeWrites);
    nodeWrites.clear();
    this.deleteSubtree(seq, location.path);
  }

  private deleteSubtree(seq: number, path: string): void {
    if (path === '') {
      this.statement('tree-clear', `DELETE FROM ${this.treeTable()} WHERE doc = ?`).run(seq);
      return;
    }
    const params: unknown[] = [seq];
    const ids = this.subtreeIds(path, params);
    this.statement(`tree-delete-subtree`, `DELETE FROM ${this.treeTable()} WHERE doc = ? AND path IN (${ids})`).run(...params);
  }

  /** Upserts the named fields of each node, leaving its other fields as they are. */
  private writeNodes(seq: number, nodeWrites: Map<string, NodeFields>): void {
    for (const [path, fields] of nodeWrites) {
      // One statement per combination of fields written (a handful in practice), its values in column order.
      let mask = 0;
      const values: unknown[] = [seq, this.intern(path)];
      for (let i = 0; i < NODE_FIELD_ORDER.length; i++) {
        const meta = NODE_FIELD_ORDER[i];
        if (!(meta in fields)) continue;
        mask |= 1 << i;
        for (const [, value] of this.columnsOf(meta, fields[meta], path)) values.push(value);
      }
      this.upsertStatement(mask).run(...values);
    }
  }

  private upsertStatement(mask: number): Statement {
    const key = `node-upsert:${mask}`;
    let statement = this.statements.get(key);
    if (!statement) {
      const columns = NODE_FIELD_ORDER.filter((_, i) => mask & (1 << i)).flatMap((meta) => NODE_COLUMNS[meta]);
      statement = this.db.prepare(
        `INSERT INTO ${this.treeTable()} (doc, path, ${columns.join(', ')}) VALUES (?, ?, ${columns.map(() => '?').join(', ')}) ` +
          `ON CONFLICT (doc, path) DO UPDATE SET ${columns.map((column) => `${column} = excluded.${column}`).join(', ')}`,
      );
      this.statements.set(key, statement);
    }
    return statement;
  }

  private insertTree(seq: number, base: string, tree: Record<string, unknown>): void {
    const insert = this.statement('node-insert', `INSERT OR REPLACE INTO ${this.treeTable()} (doc, path, v, vb, t, w, o, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    const visit = (node: Record<string, unknown>, path: string) => {
      let isNode = false;
      const row: Record<string, unknown> = { v: null, vb: 0, t: null, w: null, o: null, at: null };
      for (const [key, child] of Object.entries(node)) {
        if (key.startsWith('_')) {
          if (!TREE_META_KEYS.has(key)) throw new InvalidQueryError(`${path || '(root)'}: ${key} is not a node field`);
          if (path === '') throw new InvalidQueryError(`the parameter tree's root holds objects, not node fields (${key})`);
          isNode = true;
          for (const [column, value] of this.columnsOf(key as TreeMetaKey, child, path)) row[column] = value;
        } else if (child !== null && typeof child === 'object' && !Array.isArray(child)) {
          visit(child as Record<string, unknown>, path === '' ? key : `${path}.${key}`);
        } else if (child !== undefined) {
          throw new InvalidQueryError(`${path === '' ? key : `${path}.${key}`}: a parameter tree holds objects and node fields only`);
        }
      }
      if (isNode) insert.run(seq, this.intern(path), row.v, row.vb, row.t, row.w, row.o, row.at);
    };
    visit(tree, base);
  }

  /** The columns (and their values) a node field is stored in. */
  private columnsOf(meta: TreeMetaKey, value: unknown, path: string): Array<[string, unknown]> {
    const absent = value === null || value === undefined;
    switch (meta) {
      case '_v':
        if (absent) return [['v', null], ['vb', 0]];
        if (typeof value === 'boolean') return [['v', value ? 1 : 0], ['vb', 1]];
        if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) return [['v', value], ['vb', 0]];
        throw new InvalidQueryError(`${path}: a parameter value is a string, a number or a boolean`);
      case '_t':
        if (absent) return [['t', null]];
        if (typeof value !== 'string') throw new InvalidQueryError(`${path}: a parameter type is a string`);
        return [['t', this.intern(value)]];
      case '_w':
      case '_o':
        if (absent) return [[meta.slice(1), null]];
        if (typeof value !== 'boolean') throw new InvalidQueryError(`${path}: ${meta} is a boolean`);
        return [[meta.slice(1), value ? 1 : 0]];
      case '_at':
        if (absent) return [['at', null]];
        if (typeof value !== 'number') throw new InvalidQueryError(`${path}: _at is a number`);
        return [['at', value]];
    }
  }

  private intern(text: string): number {
    const known = this.internedId(text);
    if (known !== undefined) return known;
    const id = Number(this.statement('dict-insert', `INSERT INTO ${this.table}__dict (text) VALUES (?)`).run(text).lastInsertRowid);
    this.remember(text, id);
    return id;
  }

  private textOf(id: number): string {
    const cached = this.textsById.get(id);
    if (cached !== undefined) return cached;
    const row = this.statement('dict-text', `SELECT text FROM ${this.table}__dict WHERE id = ?`).get(id) as { text: string } | undefined;
    if (!row) throw new Error(`${this.name}: dictionary entry ${id} is missing`);
    this.remember(row.text, id);
    return row.text;
  }

  private remember(text: string, id: number): void {
    // Paths repeat across devices of a model; a fleet has tens of thousands of distinct ones at most. The bound
    // only guards against a pathological fleet: forgetting costs a lookup, not correctness.
    if (this.idsByText.size > 500_000) {
      this.idsByText.clear();
      this.textsById.clear();
    }
    this.idsByText.set(text, id);
    this.textsById.set(id, text);
  }

  private syncArray(seq: number, field: string, value: unknown): void {
    const table = this.arrayTable(field);
    this.statement(`array-clear:${field}`, `DELETE FROM ${table} WHERE seq = ?`).run(seq);
    if (!Array.isArray(value)) return;
    const insert = this.statement(`array-insert:${field}`, `INSERT OR IGNORE INTO ${table} (seq, value) VALUES (?, ?)`);
    for (const element of value) {
      if (typeof element === 'string' || (typeof element === 'number' && Number.isFinite(element))) insert.run(seq, element);
      else if (typeof element === 'boolean') throw new InvalidQueryError(`${this.name}.${field}: elements are strings or numbers`);
    }
  }

  private deleteSeq(seq: number): void {
    if (this.treeField !== undefined) this.statement('tree-clear', `DELETE FROM ${this.treeTable()} WHERE doc = ?`).run(seq);
    for (const field of this.arrayFields) this.statement(`array-clear:${field}`, `DELETE FROM ${this.arrayTable(field)} WHERE seq = ?`).run(seq);
    this.statement('doc-delete', `DELETE FROM ${this.table} WHERE seq = ?`).run(seq);
  }

  /** The document of a row, with only the projected fields (and `_id`) when there is a projection. */
  private materialize(row: DocRow, projection: DocumentProjection | undefined): StoredDocument {
    const body = row.body ?? (JSON.parse(row.doc) as Record<string, unknown>);
    const tree = this.treeField;
    if (!projection || projection.length === 0) {
      const doc: StoredDocument = { _id: row.id, ...body };
      if (tree !== undefined) doc[tree] = this.readTree(row.seq, '');
      return doc;
    }
    const doc: StoredDocument = { _id: row.id };
    for (const field of projection) {
      if (field === '_id') continue;
      if (tree !== undefined && (field === tree || field.startsWith(`${tree}.`))) {
        const location = this.locate(field) as Extract<FieldLocation, { kind: 'tree' }>;
        const subtree = this.readTree(row.seq, location.path);
        if (Object.keys(subtree).length > 0 || location.path === '') mergeInto(doc, tree, subtree);
        continue;
      }
      const value = getDocumentPath(body, field);
      if (value !== undefined) setDocumentPath(doc, field, value);
    }
    return doc;
  }

  /** The nested tree of a document's nodes at `path` and below, rooted like the stored tree. */
  private readTree(seq: number, path: string): Record<string, unknown> {
    let rows: TreeRow[];
    if (path === '') {
      rows = this.rawStatement('tree-read', `SELECT path, v, vb, t, w, o, at FROM ${this.treeTable()} WHERE doc = ?`).all(seq) as TreeRow[];
    } else {
      const params: unknown[] = [seq];
      const ids = this.subtreeIds(path, params);
      rows = this.rawStatement('tree-read-subtree', `SELECT path, v, vb, t, w, o, at FROM ${this.treeTable()} WHERE doc = ? AND path IN (${ids})`).all(...params) as TreeRow[];
    }
    const root: Record<string, unknown> = {};
    for (const [pathId, v, vb, t, w, o, at] of rows) {
      let node = root;
      for (const segment of this.textOf(pathId).split('.')) {
        let child = node[segment] as Record<string, unknown> | undefined;
        if (child === undefined) {
          child = {};
          node[segment] = child;
        }
        node = child;
      }
      if (v !== null) node._v = vb ? v === 1 : v;
      if (t !== null) node._t = this.textOf(t);
      if (w !== null) node._w = w === 1;
      if (o !== null) node._o = o === 1;
      if (at !== null) node._at = at;
    }
    return root;
  }

  private orderBy(sort: DocumentSort, translator: SqliteFilterTranslator): string {
    if (sort.length === 0) return '';
    const terms = sort.map(([field, direction]) => {
      const location = this.locate(field);
      const dir = direction === -1 ? 'DESC' : 'ASC';
      switch (location.kind) {
        case 'id':
          return `d.id ${dir}`;
        case 'doc':
          return `${location.column === undefined ? `d.doc ->> '${location.jsonPath}'` : `d.${location.column}`} ${dir}`;
        case 'array':
          return `d.doc ->> '${jsonPathOf(location.field)}' ${dir}`;
        case 'tree': {
          const column = location.meta === undefined ? 'v' : { _v: 'v', _t: 't', _w: 'w', _o: 'o', _at: 'at' }[location.meta];
          const pathId = this.internedId(location.path) ?? -1;
          return `(SELECT ${column} FROM ${this.treeTable()} WHERE doc = d.seq AND path = ${translator.param(pathId)}) ${dir}`;
        }
      }
    });
    return ` ORDER BY ${terms.join(', ')}`;
  }

  /** Splits a stored document into its row body and its tree (kept apart). */
  private split(doc: StoredDocument): { body: Record<string, unknown>; tree: Record<string, unknown> | undefined } {
    const { _id: _ignored, ...body } = doc;
    let tree: Record<string, unknown> | undefined;
    if (this.treeField !== undefined && this.treeField in body) {
      const value = body[this.treeField];
      delete body[this.treeField];
      if (value !== null && value !== undefined) {
        if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidQueryError(`${this.treeField}: a parameter tree is an object`);
        tree = value as Record<string, unknown>;
      }
    }
    return { body, tree };
  }

  /** Statements with a fixed text, prepared once. */
  private statement(key: string, sql: string): Statement {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** Like statement(), returning rows as arrays (no object per row). */
  private rawStatement(key: string, sql: string): Statement {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.statements.set(key, statement);
    }
    return statement;
  }

  /** Statements built from a filter: cached by their text (a service issues the same few shapes again and again). */
  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size > 2_000) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Whether two values parsed from JSON are equal as MongoDB compares documents: the same keys in the same order with
 * equal values, arrays element by element.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  for (let i = 0; i < aKeys.length; i++) {
    if (aKeys[i] !== bKeys[i] || !sameJson((a as Record<string, unknown>)[aKeys[i]], (b as Record<string, unknown>)[bKeys[i]])) return false;
  }
  return true;
}

/** The top-level field a dotted path is in. */
function topField(path: string): string {
  const dot = path.indexOf('.');
  return dot === -1 ? path : path.slice(0, dot);
}

function unsetPath(doc: Record<string, unknown>, path: string): void {
  const segments = path.split('.');
  let current: unknown = doc;
  for (const segment of segments.slice(0, -1)) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string, unknown>)[segment];
  }
  if (current !== null && typeof current === 'object') delete (current as Record<string, unknown>)[segments[segments.length - 1]];
}

function arrayAt(doc: Record<string, unknown>, path: string, operator: string): unknown[] {
  const value = getDocumentPath(doc, path);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidQueryError(`${operator} of ${path}, which is not an array`);
  return [...value];
}

function mergeInto(doc: Record<string, unknown>, field: string, subtree: Record<string, unknown>): void {
  const merge = (target: Record<string, unknown>, source: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(source)) {
      const existing = target[key];
      if (existing && typeof existing === 'object' && value && typeof value === 'object') merge(existing as Record<string, unknown>, value as Record<string, unknown>);
      else target[key] = value;
    }
  };
  const current = (doc[field] as Record<string, unknown> | undefined) ?? {};
  merge(current, subtree);
  doc[field] = current;
}
