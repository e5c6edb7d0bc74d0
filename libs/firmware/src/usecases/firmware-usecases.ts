import type { Logger } from '@acs/platform';

import { StoredFileSource } from '../repositories/file-source.adapter';
import type { FirmwareStore } from '../repositories/ports';
import { DeleteFile } from './delete-file.usecase';
import { GetFile } from './get-file.usecase';
import { ListFiles } from './list-files.usecase';
import { UploadFile } from './upload-file.usecase';

/** Every operation of the firmware service, one use case each; the gRPC controller calls these. */
export interface FirmwareUseCases {
  uploadFile: UploadFile;
  listFiles: ListFiles;
  getFile: GetFile;
  deleteFile: DeleteFile;
}

export interface FirmwareCoreDeps {
  store: FirmwareStore;
  config: { maxFileBytes: number };
  logger: Logger;
  now?: () => number;
  newId?: () => string;
}

export interface FirmwareCore {
  useCases: FirmwareUseCases;
  /** What the file server CPEs download from reads files through (file-server/file-source.ts). */
  fileSource: StoredFileSource;
}

/** The use cases built once over the store: by the module, and by the fixture the specs run on. */
export function createFirmwareCore(deps: FirmwareCoreDeps): FirmwareCore {
  const { store, logger } = deps;
  return {
    useCases: {
      uploadFile: new UploadFile({ files: store.files, content: store.content, maxFileBytes: deps.config.maxFileBytes, logger, now: deps.now, newId: deps.newId }),
      listFiles: new ListFiles(store.files),
      getFile: new GetFile(store.files),
      deleteFile: new DeleteFile({ files: store.files, content: store.content, usage: store.usage, logger }),
    },
    fileSource: new StoredFileSource(store.files, store.content),
  };
}
