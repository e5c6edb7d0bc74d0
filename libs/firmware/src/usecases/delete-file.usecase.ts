import { ConflictError, NotFoundError, ValidationError, type Logger } from '@acs/platform';

import type { FileContentStore, FileUsage, FirmwareFileRepository } from '../repositories/ports';

/**
 * Deletes a file, refused while a campaign that has not ended uses it (its devices would be sent to download
 * nothing). The metadata goes first, so the file server stops serving it at once; then the content. A campaign
 * created between the check and the deletion finds the file gone when it starts, and refuses to.
 */
export class DeleteFile {
  constructor(
    private readonly deps: {
      files: Pick<FirmwareFileRepository, 'get' | 'delete'>;
      content: Pick<FileContentStore, 'delete'>;
      usage: FileUsage;
      logger: Pick<Logger, 'info' | 'warn'>;
    },
  ) {}

  async execute(command: { fileId: string; requestedBy: string }): Promise<void> {
    const { fileId } = command;
    if (fileId === '') throw ValidationError.forField('file_id', 'required', 'REQUIRED');
    const file = await this.deps.files.get(fileId);
    if (!file) throw new NotFoundError('file', fileId);
    const campaigns = await this.deps.usage.campaignsUsing(fileId);
    if (campaigns.length > 0) {
      throw new ConflictError(`file ${fileId} is used by campaign${campaigns.length > 1 ? 's' : ''} ${campaigns.join(', ')}, which ha${campaigns.length > 1 ? 've' : 's'} not ended`, {
        kind: 'precondition',
        reason: 'FILE_IN_USE',
        subject: campaigns.map((id) => `campaign ${id}`).join(', '),
      });
    }
    if (!(await this.deps.files.delete(fileId))) throw new NotFoundError('file', fileId);
    try {
      await this.deps.content.delete(fileId);
    } catch (error) {
      // The file is gone for everyone; its bytes are an orphan the content store's ids() still lists.
      this.deps.logger.warn({ err: error, fileId }, 'file deleted, its content not: left in the content store');
    }
    this.deps.logger.info({ fileId, name: file.name, requestedBy: command.requestedBy }, 'file deleted');
  }
}
