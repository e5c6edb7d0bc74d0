import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange, FileSource, ServedFile } from './file-source';

/**
 * A FileSource over plain files in one directory: `<id>.bin` holds the content and `<id>.json` its description. It is
 * what the file server's specs and benchmark serve from; the product's store is the firmware file store, adapted to
 * FileSource where the service is wired.
 */
export class DirectoryFileSource implements FileSource {
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores `content` under `fileId`, hashing it on the way in, and returns its description. */
  async put(fileId: string, name: string, content: Buffer | Readable): Promise<ServedFile> {
    if (!/^[A-Za-z0-9_-]+$/.test(fileId)) throw new Error(`file id "${fileId}" is not [A-Za-z0-9_-]+`);
    await mkdir(this.dir, { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    const input = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    await pipeline(input, hashing, createWriteStream(this.contentPath(fileId)));
    const file: ServedFile = { size, sha256: hash.digest('hex'), updatedAt: this.now(), name };
    await writeFile(this.metaPath(fileId), JSON.stringify(file));
    return file;
  }

  async stat(fileId: string): Promise<ServedFile | null> {
    if (!/^[A-Za-z0-9_-]+$/.test(fileId)) return null;
    try {
      return JSON.parse(await readFile(this.metaPath(fileId), 'utf8')) as ServedFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async open(fileId: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    // 256 KiB reads, like GridFS's 255 KiB chunks: a quarter of the per-chunk work of the 64 KiB default, per byte.
    const stream = createReadStream(this.contentPath(fileId), { highWaterMark: 256 * 1024, ...(range ? { start: range.start, end: range.end } : {}) });
    // Resolve only once the file is open, so a missing file is an error of open() rather than of the response.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return stream;
  }

  private contentPath(fileId: string): string {
    return join(this.dir, `${fileId}.bin`);
  }

  private metaPath(fileId: string): string {
    return join(this.dir, `${fileId}.json`);
  }
}
