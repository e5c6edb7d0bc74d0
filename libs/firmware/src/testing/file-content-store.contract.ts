import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';

import { DuplicateKeyError, LimitExceededError } from '@acs/platform';

import type { FileContentStore } from '../repositories/ports';

/** A content store under contract test, empty when handed over. */
export interface ContentStoreSubject {
  store: FileContentStore;
  cleanup(): Promise<void>;
}

export async function readAll(stream: Readable | NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** `bytes` in chunks of `chunkBytes`, as an upload brings them. */
export async function* chunksOf(bytes: Buffer, chunkBytes = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
}

export function contentId(): string {
  return randomUUID();
}

/**
 * What every FileContentStore must do (the directory store, GridFS): stream in with size and hash, refuse past the
 * limit, leave nothing behind on any failure, read whole or by range, delete.
 */
export function fileContentStoreContract(name: string, factory: () => Promise<ContentStoreSubject>): void {
  describe(`FileContentStore contract: ${name}`, () => {
    let subject: ContentStoreSubject | undefined;
    const store = (): FileContentStore => {
      if (!subject) throw new Error('no content store: the factory failed');
      return subject.store;
    };
    beforeEach(async () => {
      subject = await factory();
    });
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    it('stores streamed content with its size and SHA-256, and reads it back whole', async () => {
      const bytes = randomBytes(700 * 1024 + 13);
      const id = contentId();
      const stored = await store().write(id, chunksOf(bytes), { maxBytes: 10 * 1024 * 1024 });
      expect(stored).toEqual({ size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
      expect((await readAll((await store().read(id))!)).equals(bytes)).toBe(true);
      expect(await store().ids()).toEqual([id]);
    });

    it('stores an empty file', async () => {
      const id = contentId();
      const stored = await store().write(id, chunksOf(Buffer.alloc(0)), { maxBytes: 10 });
      expect(stored).toEqual({ size: 0, sha256: createHash('sha256').digest('hex') });
      expect((await readAll((await store().read(id))!)).length).toBe(0);
    });

    it('reads a byte range, both ends inclusive, cut at the end of the content', async () => {
      const bytes = randomBytes(600 * 1024);
      const id = contentId();
      await store().write(id, chunksOf(bytes), { maxBytes: bytes.length });
      // Across GridFS chunk boundaries (255 KiB) and within one.
      expect((await readAll((await store().read(id, { start: 200_000, end: 400_000 }))!)).equals(bytes.subarray(200_000, 400_001))).toBe(true);
      expect((await readAll((await store().read(id, { start: 10, end: 10 }))!)).equals(bytes.subarray(10, 11))).toBe(true);
      expect((await readAll((await store().read(id, { start: bytes.length - 5, end: bytes.length + 100 }))!)).equals(bytes.subarray(bytes.length - 5))).toBe(true);
    });

    it('refuses content past the size limit and keeps nothing of it', async () => {
      const id = contentId();
      await expect(store().write(id, chunksOf(randomBytes(300 * 1024)), { maxBytes: 256 * 1024 })).rejects.toBeInstanceOf(LimitExceededError);
      expect(await store().read(id)).toBeNull();
      expect(await store().ids()).toEqual([]);
    });

    it('keeps nothing when the source fails midway', async () => {
      const id = contentId();
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(300 * 1024);
        throw new Error('client went away');
      }
      await expect(store().write(id, failing(), { maxBytes: 10 * 1024 * 1024 })).rejects.toThrow('client went away');
      expect(await store().read(id)).toBeNull();
      expect(await store().ids()).toEqual([]);
    });

    it('keeps nothing when the upload is aborted', async () => {
      const id = contentId();
      const abort = new AbortController();
      async function* aborted(): AsyncGenerator<Uint8Array> {
        yield randomBytes(300 * 1024);
        abort.abort();
        yield randomBytes(1024);
      }
      await expect(store().write(id, aborted(), { maxBytes: 10 * 1024 * 1024, signal: abort.signal })).rejects.toThrow();
      expect(await store().read(id)).toBeNull();
      expect(await store().ids()).toEqual([]);
    });

    it('refuses a second write of an id and keeps the first content', async () => {
      const id = contentId();
      const first = randomBytes(1000);
      await store().write(id, chunksOf(first), { maxBytes: 10_000 });
      await expect(store().write(id, chunksOf(randomBytes(1000)), { maxBytes: 10_000 })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect((await readAll((await store().read(id))!)).equals(first)).toBe(true);
    });

    it('deletes content; reading or deleting it again finds none', async () => {
      const id = contentId();
      await store().write(id, chunksOf(randomBytes(1000)), { maxBytes: 10_000 });
      expect(await store().delete(id)).toBe(true);
      expect(await store().read(id)).toBeNull();
      expect(await store().delete(id)).toBe(false);
      expect(await store().ids()).toEqual([]);
    });
  });
}
