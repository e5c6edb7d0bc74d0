export * from './file-content-store.contract';
export * from './firmware-file-repository.contract';
export * from './firmware-fixture';
export * from './campaign-fixture';
