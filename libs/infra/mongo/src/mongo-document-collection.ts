import { guardMongo, isMongoDuplicateKey } from './mongo-errors';
import type { mongo } from 'mongoose';

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

/**
 * DocumentCollection (@acs/platform) on a MongoDB collection, for every service's repositories, through the driver collection under the mongoose model: the
 * parameter tree's field paths are data (`p.Device.IP.Interface.1._v`), which mongoose's schema casting has no
 * business rewriting. Outages surface as MongoUnavailableError (guardMongo); duplicate keys as DuplicateKeyError.
 */
export class MongoDocumentCollection implements DocumentCollection {
  constructor(private readonly collection: mongo.Collection<StoredDocument>) {}

  get name(): string {
    return this.collection.collectionName;
  }

  async findOne(filter: DocumentFilter, projection?: DocumentProjection): Promise<StoredDocument | null> {
    const options = projection && projection.length > 0 ? { projection: projectionOf(projection) } : {};
    return guardMongo(() => this.collection.findOne(filter as mongo.Filter<StoredDocument>, options) as Promise<StoredDocument | null>);
  }

  async find(filter: DocumentFilter, options: FindOptions = {}): Promise<StoredDocument[]> {
    return guardMongo(() => {
      let cursor = this.collection.find(filter as mongo.Filter<StoredDocument>);
      if (options.projection && options.projection.length > 0) cursor = cursor.project(projectionOf(options.projection));
      if (options.sort && options.sort.length > 0) cursor = cursor.sort(options.sort.map(([field, direction]) => [field, direction] as [string, 1 | -1]));
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      return cursor.toArray() as Promise<StoredDocument[]>;
    });
  }

  async count(filter: DocumentFilter): Promise<number> {
    return guardMongo(() => this.collection.countDocuments(filter as mongo.Filter<StoredDocument>));
  }

  async insertOne(doc: StoredDocument): Promise<void> {
    try {
      await guardMongo(() => this.collection.insertOne(doc as mongo.OptionalUnlessRequiredId<StoredDocument>));
    } catch (error) {
      if (isMongoDuplicateKey(error)) throw new DuplicateKeyError(this.name, error);
      throw error;
    }
  }

  async updateOne(filter: DocumentFilter, update: DocumentUpdate): Promise<boolean> {
    if (isEmptyUpdate(update)) return (await this.count(filter)) > 0;
    const result = await guardMongo(() => this.collection.updateOne(filter as mongo.Filter<StoredDocument>, operatorsOf(update)));
    return result.matchedCount > 0;
  }

  async findOneAndUpdate(filter: DocumentFilter, update: DocumentUpdate, projection?: DocumentProjection): Promise<StoredDocument | null> {
    if (isEmptyUpdate(update)) return this.findOne(filter, projection);
    // Projected here, not by the server: FerretDB 1.24 refuses findAndModify's `fields` ("not implemented yet").
    const doc = await guardMongo(
      () =>
        this.collection.findOneAndUpdate(filter as mongo.Filter<StoredDocument>, operatorsOf(update), {
          returnDocument: 'after',
          includeResultMetadata: false,
        }) as Promise<StoredDocument | null>,
    );
    return doc === null ? null : projectDocument(doc, projection);
  }

  async replaceOne(filter: DocumentFilter, doc: StoredDocument, options: { upsert?: boolean } = {}): Promise<boolean> {
    try {
      const result = await guardMongo(() => this.collection.replaceOne(filter as mongo.Filter<StoredDocument>, doc, { upsert: options.upsert === true }));
      return result.matchedCount > 0 || result.upsertedCount > 0;
    } catch (error) {
      if (isMongoDuplicateKey(error)) throw new DuplicateKeyError(this.name, error);
      throw error;
    }
  }

  async deleteOne(filter: DocumentFilter): Promise<boolean> {
    const result = await guardMongo(() => this.collection.deleteOne(filter as mongo.Filter<StoredDocument>));
    return result.deletedCount > 0;
  }

  async deleteMany(filter: DocumentFilter): Promise<number> {
    const result = await guardMongo(() => this.collection.deleteMany(filter as mongo.Filter<StoredDocument>));
    return result.deletedCount;
  }
}

function projectionOf(projection: DocumentProjection): Record<string, 1> {
  return Object.fromEntries(projection.map((field) => [field, 1 as const]));
}

function operatorsOf(update: DocumentUpdate): mongo.UpdateFilter<StoredDocument> {
  const operators: Record<string, Record<string, unknown>> = {};
  // A plain copy: the repositories build large `$set`s as prototype-less dictionaries, which BSON need not meet.
  if (update.set && Object.keys(update.set).length > 0) operators.$set = { ...update.set };
  if (update.unset && update.unset.length > 0) operators.$unset = Object.fromEntries(update.unset.map((field) => [field, '']));
  if (update.inc && Object.keys(update.inc).length > 0) operators.$inc = update.inc;
  const addToSet = Object.entries(update.addToSet ?? {}).filter(([, values]) => values.length > 0);
  if (addToSet.length > 0) operators.$addToSet = Object.fromEntries(addToSet.map(([field, values]) => [field, { $each: [...values] }]));
  // $pullAll, not $pull with $in: FerretDB 1.24 silently removes nothing for a $pull with a condition.
  const pullAll = Object.entries(update.pullAll ?? {}).filter(([, values]) => values.length > 0);
  if (pullAll.length > 0) operators.$pullAll = Object.fromEntries(pullAll.map(([field, values]) => [field, [...values]]));
  const push = Object.entries(update.push ?? {}).filter(([, values]) => values.length > 0);
  if (push.length > 0) operators.$push = Object.fromEntries(push.map(([field, values]) => [field, { $each: [...values] }]));
  return operators as mongo.UpdateFilter<StoredDocument>;
}
