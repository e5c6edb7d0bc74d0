export * from './device-model-csv';
export * from './device-repository.contract';
export * from './fault-repository.contract';
export * from './preset-repository.contract';
export * from './store-persistence.contract';
export * from './store-subject';
export * from './task-repository.contract';
