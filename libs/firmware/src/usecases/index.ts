export * from './delete-file.usecase';
export * from './file-description.validator';
export * from './firmware-usecases';
export * from './get-file.usecase';
export * from './list-files.usecase';
export * from './upload-file.usecase';
