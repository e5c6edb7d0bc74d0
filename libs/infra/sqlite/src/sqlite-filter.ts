import { InvalidQueryError, type DocumentFilter } from '@acs/platform';

import { regexpOperand } from './sqlite-database';

/**
 * Where a filter's field lives in the SQLite layout of a collection (see sqlite-collection.ts):
 * - `id`: the `_id` column;
 * - `doc`: a field of the JSON document (`doc ->> '$.a.b'`), with MongoDB's type-strict comparisons; an indexed
 *   field also has a column holding the same value (`column`), which comparisons and sorts use so its index serves;
 * - `array`: a field declared as an array of scalars, mirrored one row per element in a side table, so "has
 *   element x" is an index lookup;
 * - `tree`: a node of the parameter tree, one row per node in the tree table; `meta` is the node key compared
 *   (`_v` value, `_at`, `_w`, `_o`), absent for the node itself (only `$exists` applies).
 */
export type FieldLocation =
  | { kind: 'id' }
  | { kind: 'doc'; jsonPath: string; column?: string }
  | { kind: 'array'; field: string }
  | { kind: 'tree'; path: string; meta?: TreeMetaKey };

export type TreeMetaKey = '_v' | '_t' | '_w' | '_o' | '_at';

/** What the translator needs to know about a collection. */
export interface FilterLayout {
  /** The documents table, aliased `d` in every statement. */
  table: string;
  locate(field: string): FieldLocation;
  /** The SQL of the side table of an array field. */
  arrayTable(field: string): string;
  /** The tree table, when the collection has one. */
  treeTable(): string;
  /** The interned id of a tree path or type name, or undefined when no row ever used it (then nothing matches). */
  internedId(text: string): number | undefined;
  /** SQL selecting the interned ids of a tree path and every path below it. */
  subtreeIds(path: string, params: unknown[]): string;
}

type Literal = string | number | boolean | null;

/** A value reference: the SQL of the value and of a MongoDB-like type tag of it (NULL when the field is absent). */
interface ValueRef {
  value: string;
  /** SQL giving 'number', 'string', 'bool', 'null', 'array', 'object', or NULL when absent. */
  type: string;
}

/**
 * Translates a MongoDB filter — the subset the repositories and the filter language (@acs/filter's compiler) emit —
 * into one SQL boolean expression over the collection's tables, with bound parameters. Conditions keep MongoDB's
 * meaning: comparisons only within a type (a number never equals a string, `> 5` never matches text), a missing
 * field matches `null`, `$ne`, `$nin` and `$exists: false`, an array field matches when any element does.
 *
 * A leaf may evaluate to NULL when its field is absent; NULL acts as false everywhere because every negation is
 * written `NOT IFNULL(x, 0)` and the WHERE clause drops NULL. Positive leaves stay bare so SQLite can use the
 * expression indexes on them.
 */
export class SqliteFilterTranslator {
  readonly params: unknown[] = [];

  /**
   * @param options.probe test an array element or a tree node per document (`EXISTS` on the side table's key)
   * rather than as a list of the matching documents (`d.seq IN (…)`). The list suits a query the side table's value
   * index drives; the probe suits a walk in `_id` order to a limit (FindOptions.walk), where the list would be built
   * whole again for every page: a walk then reads each document once, however many match.
   */
  constructor(
    private readonly layout: FilterLayout,
    private readonly options: { probe?: boolean } = {},
  ) {}

  translate(filter: DocumentFilter): string {
    if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) throw new InvalidQueryError('a filter is an object');
    const parts: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (key === '$and' || key === '$or' || key === '$nor') {
        const clauses = filterList(key, value).map((clause) => this.translate(clause));
        if (key === '$and') parts.push(clauses.length === 0 ? '1' : `(${clauses.join(' AND ')})`);
        else if (key === '$or') parts.push(clauses.length === 0 ? '0' : `(${clauses.join(' OR ')})`);
        else parts.push(clauses.length === 0 ? '1' : `NOT IFNULL((${clauses.join(' OR ')}), 0)`);
      } else if (key === '$not') {
        parts.push(`NOT IFNULL(${this.translate(value as DocumentFilter)}, 0)`);
      } else if (key.startsWith('$')) {
        throw new InvalidQueryError(`the embedded store does not evaluate ${key} at the top of a filter`);
      } else {
        parts.push(this.field(key, value));
      }
    }
    return parts.length === 0 ? '1' : parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  }

  private field(key: string, condition: unknown): string {
    const location = this.layout.locate(key);
    if (!isOperatorObject(condition)) return this.equals(location, key, condition);
    const parts: string[] = [];
    for (const [operator, argument] of Object.entries(condition)) {
      switch (operator) {
        case '$eq':
          parts.push(this.equals(location, key, argument));
          break;
        case '$ne':
          parts.push(negate(this.equals(location, key, argument)));
          break;
        case '$in':
          parts.push(this.oneOf(location, key, argument));
          break;
        case '$nin':
          parts.push(negate(this.oneOf(location, key, argument)));
          break;
        case '$lt':
        case '$lte':
        case '$gt':
        case '$gte':
          parts.push(this.range(location, key, operator, argument));
          break;
        case '$exists':
          parts.push(argument ? this.exists(location) : negate(this.exists(location)));
          break;
        case '$regex':
          parts.push(this.regex(location, key, argument, condition.$options));
          break;
        case '$options':
          if (condition.$regex === undefined) throw new InvalidQueryError(`$options without $regex on ${key}`);
          break;
        case '$not':
          parts.push(negate(this.field(key, argument)));
          break;
        case '$all':
          if (!Array.isArray(argument)) throw new InvalidQueryError(`$all on ${key} takes an array`);
          parts.push(argument.length === 0 ? '0' : `(${argument.map((item) => this.equals(location, key, item)).join(' AND ')})`);
          break;
        case '$size':
          parts.push(this.size(location, key, argument));
          break;
        default:
          throw new InvalidQueryError(`the embedded store does not evaluate ${operator} (on ${key})`);
      }
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  }

  /** `field = value`: a value of the same type; `null` matches a missing or null field. */
  private equals(location: FieldLocation, key: string, value: unknown): string {
    if (value instanceof RegExp) return this.regex(location, key, value, undefined);
    const literal = literalOf(key, value);
    if (literal instanceof RegExp) return this.regex(location, key, literal, undefined);
    if (literal === null && location.kind === 'array') return `(IFNULL(json_type(d.doc, '${jsonPathOf(location.field)}'), 'null') = 'null')`;
    if (literal === null) return negate(this.matching(location, (ref) => `${ref.type} <> 'null'`));
    return this.matching(location, (ref) => this.typedCompare(ref, '=', literal));
  }

  private oneOf(location: FieldLocation, key: string, values: unknown): string {
    if (!Array.isArray(values)) throw new InvalidQueryError(`$in/$nin on ${key} take an array`);
    const literals = values.map((value) => (value instanceof RegExp ? value : literalOf(key, value)));
    const clauses: string[] = [];
    if (literals.some((literal) => literal === null)) clauses.push(this.equals(location, key, null));
    for (const regexp of literals.filter((literal): literal is RegExp => literal instanceof RegExp)) clauses.push(this.regex(location, key, regexp, undefined));
    const scalars = literals.filter((literal): literal is string | number | boolean => literal !== null && !(literal instanceof RegExp));
    if (scalars.length > 0) {
      clauses.push(
        this.matching(location, (ref) => {
          const byType: string[] = [];
          for (const kind of ['string', 'number', 'bool'] as const) {
            const ofKind = scalars.filter((literal) => literalKind(literal) === kind);
            if (ofKind.length === 0) continue;
            const placeholders = ofKind.map((literal) => this.param(sqlValueOf(literal))).join(', ');
            byType.push(`(${ref.value} IN (${placeholders}) AND ${ref.type} = '${kind}')`);
          }
          return byType.length === 1 ? byType[0] : `(${byType.join(' OR ')})`;
        }),
      );
    }
    if (clauses.length === 0) return '0';
    return clauses.length === 1 ? clauses[0] : `(${clauses.join(' OR ')})`;
  }

  private range(location: FieldLocation, key: string, operator: '$lt' | '$lte' | '$gt' | '$gte', value: unknown): string {
    const literal = literalOf(key, value);
    if (literal === null || literal instanceof RegExp) throw new InvalidQueryError(`${operator} on ${key} takes a number, a string or a boolean`);
    const sql = { $lt: '<', $lte: '<=', $gt: '>', $gte: '>=' }[operator];
    return this.matching(location, (ref) => this.typedCompare(ref, sql, literal));
  }

  private regex(location: FieldLocation, key: string, pattern: unknown, options: unknown): string {
    let regexp: RegExp;
    try {
      if (pattern instanceof RegExp) regexp = typeof options === 'string' ? new RegExp(pattern.source, options) : pattern;
      else if (typeof pattern === 'string') regexp = new RegExp(pattern, typeof options === 'string' ? options : undefined);
      else throw new InvalidQueryError(`$regex on ${key} takes a string or a RegExp`);
    } catch (error) {
      if (error instanceof InvalidQueryError) throw error;
      throw new InvalidQueryError(`$regex on ${key}: ${(error as Error).message}`);
    }
    const prefix = literalPrefix(regexp);
    return this.matching(location, (ref) => {
      // An anchored literal prefix (`LIKE "FLEET0001*"`) becomes a range the value's index can serve first.
      const range = prefix ? `${ref.value} >= ${this.param(prefix)} AND ${ref.value} < ${this.param(prefixEnd(prefix))} AND ` : '';
      return `(${range}${ref.type} = 'string' AND ${ref.value} REGEXP ${this.param(regexpOperand(regexp))})`;
    });
  }

  private exists(location: FieldLocation): string {
    switch (location.kind) {
      case 'id':
        return '1';
      case 'doc':
        return `(json_type(d.doc, '${location.jsonPath}') IS NOT NULL)`;
      case 'array':
        return `(json_type(d.doc, '${jsonPathOf(location.field)}') IS NOT NULL)`;
      case 'tree':
        if (location.meta === undefined) {
          const ids = this.layout.subtreeIds(location.path, this.params);
          if (this.options.probe) return `EXISTS (SELECT 1 FROM ${this.layout.treeTable()} WHERE doc = d.seq AND path IN (${ids}))`;
          return `d.seq IN (SELECT doc FROM ${this.layout.treeTable()} WHERE path IN (${ids}))`;
        }
        // A node's row exists whenever the node does; the field exists only when it holds a value.
        return this.matching(location, (ref) => `${ref.value} IS NOT NULL`);
    }
  }

  private size(location: FieldLocation, key: string, size: unknown): string {
    if (!Number.isInteger(size)) throw new InvalidQueryError(`$size on ${key} takes an integer`);
    if (location.kind !== 'array' && location.kind !== 'doc') throw new InvalidQueryError(`$size applies to an array field, not ${key}`);
    const path = location.kind === 'array' ? jsonPathOf(location.field) : location.jsonPath;
    return `(json_type(d.doc, '${path}') = 'array' AND json_array_length(d.doc, '${path}') = ${this.param(size)})`;
  }

  /**
   * "The field has a value satisfying `predicate`" for each layout: a document field directly, an array field by
   * any element, a tree node by its row.
   */
  private matching(location: FieldLocation, predicate: (ref: ValueRef) => string): string {
    switch (location.kind) {
      case 'id':
        return predicate({ value: 'd.id', type: "'string'" });
      case 'doc': {
        const path = location.jsonPath;
        const value = location.column === undefined ? `d.doc ->> '${path}'` : `d.${location.column}`;
        return predicate({ value, type: jsonTypeTag(`json_type(d.doc, '${path}')`) });
      }
      case 'array': {
        const element = predicate({ value: 'value', type: SCALAR_TYPE_TAG('value') });
        if (this.options.probe) return `EXISTS (SELECT 1 FROM ${this.layout.arrayTable(location.field)} WHERE seq = d.seq AND ${element})`;
        return `d.seq IN (SELECT seq FROM ${this.layout.arrayTable(location.field)} WHERE ${element})`;
      }
      case 'tree': {
        const pathId = this.layout.internedId(location.path);
        if (pathId === undefined) return '0';
        const ref = treeValueRef(location.meta ?? '_v');
        if (location.meta === '_t') return this.treeTypeMatching(pathId, predicate);
        if (this.options.probe) return `EXISTS (SELECT 1 FROM ${this.layout.treeTable()} WHERE doc = d.seq AND path = ${this.param(pathId)} AND ${predicate(ref)})`;
        return `d.seq IN (SELECT doc FROM ${this.layout.treeTable()} WHERE path = ${this.param(pathId)} AND ${predicate(ref)})`;
      }
    }
  }

  /** `_t` is stored interned: compare the names by their ids. */
  private treeTypeMatching(pathId: number, predicate: (ref: ValueRef) => string): string {
    const named = `p.path = ${this.param(pathId)} AND ${predicate({ value: 'n.text', type: "'string'" })}`;
    if (this.options.probe) return `EXISTS (SELECT 1 FROM ${this.layout.treeTable()} p JOIN ${this.layout.table}__dict n ON n.id = p.t WHERE p.doc = d.seq AND ${named})`;
    return `d.seq IN (SELECT p.doc FROM ${this.layout.treeTable()} p JOIN ${this.layout.table}__dict n ON n.id = p.t WHERE ${named})`;
  }

  private typedCompare(ref: ValueRef, operator: string, literal: string | number | boolean): string {
    return `(${ref.value} ${operator} ${this.param(sqlValueOf(literal))} AND ${ref.type} = '${literalKind(literal)}')`;
  }

  param(value: unknown): string {
    this.params.push(value);
    return '?';
  }
}

/** A dotted document field as a JSON path literal (safe inside single quotes). */
export function jsonPathOf(field: string): string {
  let path = '$';
  for (const segment of field.split('.')) {
    if (/^[0-9]+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) path += `.${segment}`;
    else path += `."${segment.replace(/[\\"]/g, '\\$&').replace(/'/g, "''")}"`;
  }
  return path;
}

function treeValueRef(meta: TreeMetaKey): ValueRef {
  switch (meta) {
    case '_v':
      return { value: 'v', type: `CASE WHEN vb THEN 'bool' ELSE ${SCALAR_TYPE_TAG('v')} END` };
    case '_at':
      return { value: 'at', type: SCALAR_TYPE_TAG('at') };
    case '_w':
      return { value: 'w', type: `CASE WHEN w IS NULL THEN NULL ELSE 'bool' END` };
    case '_o':
      return { value: 'o', type: `CASE WHEN o IS NULL THEN NULL ELSE 'bool' END` };
    case '_t':
      return { value: 't', type: SCALAR_TYPE_TAG('t') };
  }
}

function SCALAR_TYPE_TAG(column: string): string {
  return `CASE typeof(${column}) WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' ELSE NULL END`;
}

function jsonTypeTag(jsonType: string): string {
  return `CASE ${jsonType} WHEN 'text' THEN 'string' WHEN 'integer' THEN 'number' WHEN 'real' THEN 'number' WHEN 'true' THEN 'bool' WHEN 'false' THEN 'bool' WHEN 'null' THEN 'null' WHEN 'array' THEN 'array' WHEN 'object' THEN 'object' ELSE NULL END`;
}

function negate(sql: string): string {
  return `NOT IFNULL(${sql}, 0)`;
}

function literalOf(key: string, value: unknown): Literal | RegExp {
  if (value === null || value === undefined) return null;
  if (value instanceof RegExp) return value;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidQueryError(`${key}: ${value} is not a comparable number`);
    return value;
  }
  throw new InvalidQueryError(`the embedded store compares ${key} with strings, numbers, booleans and null, not ${Array.isArray(value) ? 'an array' : typeof value}`);
}

function literalKind(literal: string | number | boolean): 'string' | 'number' | 'bool' {
  return typeof literal === 'string' ? 'string' : typeof literal === 'number' ? 'number' : 'bool';
}

/** Booleans are stored as 1/0 (JSON true/false read through `->>` are too), their type tag tells them apart. */
function sqlValueOf(literal: string | number | boolean): string | number {
  return typeof literal === 'boolean' ? (literal ? 1 : 0) : literal;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof RegExp || value instanceof Date) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function filterList(operator: string, value: unknown): DocumentFilter[] {
  if (!Array.isArray(value)) throw new InvalidQueryError(`${operator} takes an array of filters`);
  return value as DocumentFilter[];
}

/** The literal text every match must start with (`^abc` without flags or alternation), or undefined. */
function literalPrefix(regexp: RegExp): string | undefined {
  if (regexp.flags.replace(/[gy]/g, '') !== '' || !regexp.source.startsWith('^')) return undefined;
  let prefix = '';
  const source = regexp.source;
  for (let i = 1; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') {
      const next = source[i + 1];
      if (next !== undefined && /[^A-Za-z0-9]/.test(next)) {
        prefix += next;
        i++;
        continue;
      }
      break;
    }
    if ('.*+?()[]{}|^$'.includes(char)) {
      // A quantifier applies to the character before it, which then is not a fixed part of the prefix.
      if ('*+?{'.includes(char)) prefix = prefix.slice(0, -1);
      break;
    }
    prefix += char;
  }
  if (source.includes('|')) return undefined;
  return prefix === '' ? undefined : prefix;
}

/** The smallest string greater than every string starting with `prefix`. */
function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}
