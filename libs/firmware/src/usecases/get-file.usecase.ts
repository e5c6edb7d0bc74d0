import { NotFoundError, ValidationError } from '@acs/platform';

import type { FirmwareFile } from '../domain';
import type { FirmwareFileRepository } from '../repositories/ports';

/** One file's metadata by id. */
export class GetFile {
  constructor(private readonly files: Pick<FirmwareFileRepository, 'get'>) {}

  async execute(query: { fileId: string }): Promise<FirmwareFile> {
    if (query.fileId === '') throw ValidationError.forField('file_id', 'required', 'REQUIRED');
    const file = await this.files.get(query.fileId);
    if (!file) throw new NotFoundError('file', query.fileId);
    return file;
  }
}
