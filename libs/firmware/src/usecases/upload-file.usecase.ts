import { randomUUID } from 'node:crypto';

import { ValidationError, type Logger } from '@acs/platform';

import type { FileDescription, FirmwareFile } from '../domain';
import type { FileContentStore, FirmwareFileRepository } from '../repositories/ports';
import { validExpectedSha256, validFileDescription } from './file-description.validator';

export interface UploadFileCommand {
  description: FileDescription;
  /** Lowercase or uppercase hex; the upload fails unless the content has this hash. */
  expectedSha256?: string;
  /** The API client uploading ('' for in-process callers without one). */
  createdBy: string;
  /** The content, read once, no faster than the store writes it. */
  content: AsyncIterable<Uint8Array>;
  /** Fires when the uploader goes away: the store stops and keeps nothing. */
  signal?: AbortSignal;
}

/**
 * Stores a file: validates the description before reading a byte, streams the content into the content store
 * (size limit, SHA-256 on the way), checks the expected hash, then records the metadata. Content without metadata
 * is never served (the file server and every listing start from the metadata); whatever fails after the content
 * is stored deletes it again.
 */
export class UploadFile {
  constructor(
    private readonly deps: {
      files: Pick<FirmwareFileRepository, 'insert'>;
      content: Pick<FileContentStore, 'write' | 'delete'>;
      maxFileBytes: number;
      logger: Pick<Logger, 'info' | 'warn'>;
      now?: () => number;
      newId?: () => string;
    },
  ) {}

  async execute(command: UploadFileCommand): Promise<FirmwareFile> {
    const description = validFileDescription(command.description);
    const expectedSha256 = validExpectedSha256(command.expectedSha256);
    const id = (this.deps.newId ?? randomUUID)();
    const stored = await this.deps.content.write(id, command.content, { maxBytes: this.deps.maxFileBytes, signal: command.signal });
    try {
      if (expectedSha256 !== undefined && stored.sha256 !== expectedSha256) {
        throw ValidationError.forField('metadata.expected_sha256', `the content's SHA-256 is ${stored.sha256}, not ${expectedSha256}`, 'CHECKSUM_MISMATCH');
      }
      const file: FirmwareFile = { id, ...description, size: stored.size, sha256: stored.sha256, createdAt: (this.deps.now ?? Date.now)(), createdBy: command.createdBy };
      await this.deps.files.insert(file);
      this.deps.logger.info({ fileId: id, name: file.name, fileType: file.fileType, size: file.size, sha256: file.sha256, createdBy: file.createdBy }, 'file uploaded');
      return file;
    } catch (error) {
      await this.deps.content.delete(id).catch((cleanup: unknown) => this.deps.logger.warn({ err: cleanup, fileId: id }, 'content of a refused upload not deleted'));
      throw error;
    }
  }
}
