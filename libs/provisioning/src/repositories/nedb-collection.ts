import type Datastore from '@seald-io/nedb';

import {
  DuplicateKeyError,
  isEmptyUpdate,
  projectDocument,
  type DocumentCollection,
  type DocumentFilter,
  type DocumentProjection,
  type DocumentUpdate,
  type FindOptions,
  type StoredDocument,
} from '@acs/platform';
import { InvalidQueryError } from './ports';

/**
 * DocumentCollection on one nedb Datastore (one file per collection). nedb runs every operation through its own
 * queue, so a filtered update is atomic in the process, which is what compare-and-set needs.
 */
export class NedbCollection implements DocumentCollection {
  constructor(
    readonly name: string,
    private readonly store: Datastore<StoredDocument>,
  ) {}

  async findOne(filter: DocumentFilter, projection?: DocumentProjection): Promise<StoredDocument | null> {
    const doc = await this.store.findOneAsync(nedbFilterOf(filter), projectionOf(projection));
    return (doc as StoredDocument | null) ?? null;
  }

  async find(filter: DocumentFilter, options: FindOptions = {}): Promise<StoredDocument[]> {
    let cursor = this.store.findAsync(nedbFilterOf(filter), projectionOf(options.projection));
    // Object keys keep insertion order for non-integer keys, and stored field paths never are integers.
    if (options.sort && options.sort.length > 0) cursor = cursor.sort(Object.fromEntries(options.sort));
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor) as StoredDocument[];
  }

  async count(filter: DocumentFilter): Promise<number> {
    return await this.store.countAsync(nedbFilterOf(filter));
  }

  async insertOne(doc: StoredDocument): Promise<void> {
    try {
      await this.store.insertAsync(doc);
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, error);
      throw error;
    }
  }

  async updateOne(filter: DocumentFilter, update: DocumentUpdate): Promise<boolean> {
    if (isEmptyUpdate(update)) return (await this.store.countAsync(nedbFilterOf(filter))) > 0;
    const { numAffected } = await this.store.updateAsync(nedbFilterOf(filter), modifiersOf(update), { multi: false });
    return numAffected > 0;
  }

  async findOneAndUpdate(filter: DocumentFilter, update: DocumentUpdate, projection?: DocumentProjection): Promise<StoredDocument | null> {
    if (isEmptyUpdate(update)) return this.findOne(filter, projection);
    const { affectedDocuments } = await this.store.updateAsync(nedbFilterOf(filter), modifiersOf(update), { multi: false, returnUpdatedDocs: true });
    const updated = (affectedDocuments as StoredDocument | null) ?? null;
    // nedb returns whole documents (held in memory anyway).
    return updated === null ? null : projectDocument(updated, projection);
  }

  async replaceOne(filter: DocumentFilter, doc: StoredDocument, options: { upsert?: boolean } = {}): Promise<boolean> {
    try {
      const { numAffected } = await this.store.updateAsync(nedbFilterOf(filter), doc, { multi: false, upsert: options.upsert === true });
      return numAffected > 0;
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, error);
      throw error;
    }
  }

  async deleteOne(filter: DocumentFilter): Promise<boolean> {
    return (await this.store.removeAsync(nedbFilterOf(filter), { multi: false })) > 0;
  }

  deleteMany(filter: DocumentFilter): Promise<number> {
    return this.store.removeAsync(nedbFilterOf(filter), { multi: true });
  }
}

function projectionOf(projection: DocumentProjection | undefined): Record<string, 1> | undefined {
  if (!projection || projection.length === 0) return undefined;
  return Object.fromEntries(projection.map((field) => [field, 1 as const]));
}

/** The nedb modifiers for a neutral update; nedb has no `$pullAll`, and its `$pull` accepts a query (`$in`). */
function modifiersOf(update: DocumentUpdate): Record<string, Record<string, unknown>> {
  const modifiers: Record<string, Record<string, unknown>> = {};
  // A plain copy: the repositories build large `$set`s as prototype-less dictionaries.
  if (update.set && Object.keys(update.set).length > 0) modifiers.$set = { ...update.set };
  if (update.unset && update.unset.length > 0) modifiers.$unset = Object.fromEntries(update.unset.map((field) => [field, true]));
  if (update.inc && Object.keys(update.inc).length > 0) modifiers.$inc = update.inc;
  const addToSet = Object.entries(update.addToSet ?? {}).filter(([, values]) => values.length > 0);
  if (addToSet.length > 0) modifiers.$addToSet = Object.fromEntries(addToSet.map(([field, values]) => [field, { $each: [...values] }]));
  const pull = Object.entries(update.pullAll ?? {}).filter(([, values]) => values.length > 0);
  if (pull.length > 0) modifiers.$pull = Object.fromEntries(pull.map(([field, values]) => [field, { $in: [...values] }]));
  const push = Object.entries(update.push ?? {}).filter(([, values]) => values.length > 0);
  if (push.length > 0) modifiers.$push = Object.fromEntries(push.map(([field, values]) => [field, { $each: [...values] }]));
  return modifiers;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { errorType?: unknown }).errorType === 'uniqueViolated';
}

/**
 * A MongoDB filter in the form nedb evaluates the same way. nedb differs where it matters for device filters:
 * - `$ne`/`$nin` on an array field match when ANY element differs (MongoDB: when NO element equals), and an empty
 *   array never matches; rewritten as nedb's top-level `$not` of the positive condition, which is MongoDB's meaning;
 * - `$not` is a top-level operator in nedb, a field-level one in MongoDB; `$nor`, `$all`, `$eq` are missing;
 * - `$regex` must be a RegExp (MongoDB also takes a string with `$options`).
 */
export function nedbFilterOf(filter: Record<string, unknown>): Record<string, unknown> {
  const positive: Record<string, unknown> = {};
  const also: Array<Record<string, unknown>> = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      positive[key] = asFilterList(key, value).map(nedbFilterOf);
    } else if (key === '$not') {
      // The filter compiler's nedb dialect negates this way; accepted so either dialect works here.
      also.push({ $not: nedbFilterOf(value as Record<string, unknown>) });
    } else if (key === '$nor') {
      for (const clause of asFilterList(key, value)) also.push({ $not: nedbFilterOf(clause) });
    } else if (key.startsWith('$')) {
      throw new InvalidQueryError(`the embedded store does not evaluate ${key} at the top of a filter`);
    } else if (isOperatorObject(value)) {
      const kept: Record<string, unknown> = {};
      for (const [operator, argument] of Object.entries(value)) {
        switch (operator) {
          case '$ne':
            also.push({ $not: { [key]: argument } });
            break;
          case '$nin':
            also.push({ $not: { [key]: { $in: argument } } });
            break;
          case '$not':
            also.push({ $not: nedbFilterOf({ [key]: argument }) });
            break;
          case '$eq':
            also.push({ [key]: argument });
            break;
          case '$all':
            if (!Array.isArray(argument)) throw new InvalidQueryError(`$all on ${key} takes an array`);
            for (const item of argument) also.push({ [key]: item });
            break;
          case '$regex':
            kept.$regex = regExpOf(argument, value.$options);
            break;
          case '$options':
            break;
          case '$lt':
          case '$lte':
          case '$gt':
          case '$gte':
          case '$in':
          case '$exists':
          case '$size':
          case '$elemMatch':
            kept[operator] = argument;
            break;
          default:
            throw new InvalidQueryError(`the embedded store does not evaluate ${operator} (on ${key})`);
        }
      }
      if (Object.keys(kept).length > 0) positive[key] = kept;
    } else {
      positive[key] = value;
    }
  }
  return also.length === 0 ? positive : { $and: [positive, ...also] };
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof RegExp || value instanceof Date) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

function asFilterList(operator: string, value: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) throw new InvalidQueryError(`${operator} takes an array of filters`);
  return value as Array<Record<string, unknown>>;
}

function regExpOf(pattern: unknown, options: unknown): RegExp {
  if (pattern instanceof RegExp) return typeof options === 'string' ? new RegExp(pattern.source, options) : pattern;
  if (typeof pattern !== 'string') throw new InvalidQueryError('$regex takes a string or a RegExp');
  return new RegExp(pattern, typeof options === 'string' ? options : undefined);
}
