export * from './file-type';
export * from './firmware-file';
