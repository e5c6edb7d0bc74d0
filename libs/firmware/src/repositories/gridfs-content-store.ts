import { once } from 'node:events';
import type { Readable } from 'node:stream';

import { guardMongo } from '@acs/infra-mongo';
import { DuplicateKeyError } from '@acs/platform';
import { mongo } from 'mongoose';

import { checkContentId, measuredContent } from './measured-content';
import type { ByteRange, FileContentStore, StoredContent } from './ports';

/** The GridFS bucket of files' content: collections `firmware.content.files` and `firmware.content.chunks`. */
export const CONTENT_BUCKET = 'firmware.content';

/** 255 KiB, GridFS's default: a chunk document well under BSON's 16 MiB, few round trips per megabyte. */
const CHUNK_BYTES = 255 * 1024;

/**
 * Files' content in GridFS (the pods' store), one GridFS file per id (`_id` = id). The driver writes a file's chunks
 * as they come and its `files` document last, so a reader never sees a file whose upload has not finished; a failed
 * or aborted upload's chunks are deleted (`abort()`).
 */
export class GridFsContentStore implements FileContentStore {
  private readonly bucket: mongo.GridFSBucket;

  constructor(db: mongo.Db) {
    this.bucket = new mongo.GridFSBucket(db, { bucketName: CONTENT_BUCKET, chunkSizeBytes: CHUNK_BYTES });
  }

  async write(id: string, content: AsyncIterable<Uint8Array> | Readable, options: { maxBytes: number; signal?: AbortSignal }): Promise<StoredContent> {
    checkContentId(id);
    if (await this.lengthOf(id)) throw new DuplicateKeyError('file content');
    const upload = this.bucket.openUploadStreamWithId(id as unknown as mongo.ObjectId, id);
    try {
      const measured = measuredContent(content, options.maxBytes, options.signal);
      for await (const chunk of measured.chunks) {
        if (!upload.write(chunk)) await once(upload, 'drain');
      }
      upload.end();
      await once(upload, 'finish');
      return measured.result();
    } catch (error) {
      // abort() deletes the chunks written so far; a files document is only written by end(), which did not finish.
      await upload.abort().catch(() => undefined);
      await this.bucket.delete(id as unknown as mongo.ObjectId).catch(() => undefined);
      if (isDuplicateKey(error)) throw new DuplicateKeyError('file content', error);
      throw error;
    }
  }

  async read(id: string, range?: ByteRange): Promise<Readable | null> {
    checkContentId(id);
    const length = await this.lengthOf(id);
    if (length === null) return null;
    if (!range) return this.bucket.openDownloadStream(id as unknown as mongo.ObjectId);
    const end = Math.min(range.end, length - 1);
    // GridFS's `end` is exclusive; an empty range is an empty stream rather than the driver's range error.
    return this.bucket.openDownloadStream(id as unknown as mongo.ObjectId, { start: Math.min(range.start, end + 1), end: end + 1 });
  }

  async delete(id: string): Promise<boolean> {
    checkContentId(id);
    if ((await this.lengthOf(id)) === null) return false;
    try {
      await guardMongo(() => this.bucket.delete(id as unknown as mongo.ObjectId));
      return true;
    } catch (error) {
      // Deleted meanwhile by someone else: what the caller wanted.
      if (error instanceof mongo.MongoRuntimeError && /not found/i.test(error.message)) return false;
      throw error;
    }
  }

  async ids(): Promise<string[]> {
    const files = await guardMongo(() => this.bucket.find({}, { projection: { _id: 1 }, sort: { _id: 1 } }).toArray());
    return files.map((file) => String(file._id));
  }

  private async lengthOf(id: string): Promise<number | null> {
    const [file] = await guardMongo(() => this.bucket.find({ _id: id as unknown as mongo.ObjectId }, { limit: 1 }).toArray());
    return file ? file.length : null;
  }
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === 11000;
}
