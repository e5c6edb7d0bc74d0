export * from './diagnostics-fixture';
export * from './in-memory-diagnostics';
export * from './run-repository.contract';
