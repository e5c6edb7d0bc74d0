export * from './collection-entry.contract';
export * from './in-memory-collection-ports';
