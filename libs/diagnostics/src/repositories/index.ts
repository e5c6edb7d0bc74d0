export * from './diagnostics-collections.schema';
export * from './mongo-store';
export * from './ports';
export * from './run-collections.schema';
export * from './run-ports';
export * from './run-stores';
export * from './run.repository';
export * from './sqlite-store';
