import type { FileContentStore, FirmwareFileRepository, ByteRange } from './ports';

/** What the file server CPEs download from needs to know of a file (file-server/file-source.ts declares the same). */
export interface FileFacts {
  size: number;
  sha256: string;
  updatedAt: number;
  name: string;
}

/**
 * The file server's FileSource over the metadata and the content store: a file is served when both exist, with the
 * size and hash recorded at upload (the ETag and Content-Length the server sends).
 */
export class StoredFileSource {
  constructor(
    private readonly files: Pick<FirmwareFileRepository, 'get'>,
    private readonly content: Pick<FileContentStore, 'read'>,
  ) {}

  async stat(fileId: string): Promise<FileFacts | null> {
    const file = await this.files.get(fileId);
    return file ? { size: file.size, sha256: file.sha256, updatedAt: file.createdAt, name: file.name } : null;
  }

  /** The content (or `range`, both ends inclusive); fails when the file has none (deleted meanwhile). */
  async open(fileId: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const stream = await this.content.read(fileId, range);
    if (!stream) throw new Error(`file ${fileId} has no content`);
    return stream;
  }
}
