import { randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';

import { DuplicateKeyError } from '@acs/platform';

import { checkContentId, measuredContent } from './measured-content';
import type { ByteRange, FileContentStore, StoredContent } from './ports';

/** Uploads in progress are written under this prefix and renamed when complete; a leftover one is a cut upload. */
const PARTIAL_PREFIX = '.partial-';

/**
 * Files' content as files in one directory (the standalone's `<dataDir>/files`), one per id. An upload is written
 * to a temporary name, fsynced and renamed, then the directory fsynced: a crash leaves either the whole file or a
 * partial one, which `open` removes.
 */
export class DirectoryContentStore implements FileContentStore {
  private constructor(private readonly directory: string) {}

  /** Opens (creating) the directory and removes what uploads cut by a crash left in it. */
  static async open(directory: string): Promise<DirectoryContentStore> {
    const dir = resolve(directory);
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir, { withFileTypes: true });
    await Promise.all(entries.filter((entry) => entry.isFile() && entry.name.startsWith(PARTIAL_PREFIX)).map((entry) => unlink(join(dir, entry.name))));
    return new DirectoryContentStore(dir);
  }

  async write(id: string, content: AsyncIterable<Uint8Array> | Readable, options: { maxBytes: number; signal?: AbortSignal }): Promise<StoredContent> {
    checkContentId(id);
    const target = this.pathOf(id);
    if (await exists(target)) throw new DuplicateKeyError('file content');
    const partial = join(this.directory, `${PARTIAL_PREFIX}${id}-${randomBytes(4).toString('hex')}`);
    const handle = await open(partial, 'wx');
    let closed = false;
    try {
      const measured = measuredContent(content, options.maxBytes, options.signal);
      for await (const chunk of measured.chunks) await handle.write(chunk);
      await handle.sync();
      await handle.close();
      closed = true;
      if (await exists(target)) throw new DuplicateKeyError('file content');
      await rename(partial, target);
      await this.syncDirectory();
      return measured.result();
    } catch (error) {
      if (!closed) await handle.close().catch(() => undefined);
      await unlink(partial).catch(() => undefined);
      throw error;
    }
  }

  async read(id: string, range?: ByteRange): Promise<Readable | null> {
    checkContentId(id);
    const path = this.pathOf(id);
    const size = await sizeOf(path);
    if (size === null) return null;
    if (!range) return createReadStream(path);
    const end = Math.min(range.end, size - 1);
    if (range.start > end) return Readable.from([]);
    return createReadStream(path, { start: range.start, end });
  }

  async delete(id: string): Promise<boolean> {
    checkContentId(id);
    try {
      await unlink(this.pathOf(id));
      await this.syncDirectory();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async ids(): Promise<string[]> {
    const entries: Dirent[] = await readdir(this.directory, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile() && !entry.name.startsWith(PARTIAL_PREFIX)).map((entry) => entry.name).sort();
  }

  private pathOf(id: string): string {
    return join(this.directory, id);
  }

  /** A rename or unlink is durable once the directory's entry is on disk. */
  private async syncDirectory(): Promise<void> {
    const dir = await open(this.directory, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return (await sizeOf(path)) !== null;
}
