// Sample collection (issue 15): Inform values, reads at periodic Informs and BulkData profiles for monitoring profiles.
export * from './collection-consumers';
export * from './collection-context';
export * from './collection-entry';
export * from './collection-plan';
export * from './collection-ports';
export * from './collection-round';
export * from './collection-task-outcomes';
export * from './inform-samples';
export * from './monitoring-collection';
export * from './sample-batcher';
export * from './service-collection-adapters';
export * from '../repositories/collection-collections.schema';
export * from '../repositories/collection-entry.repository';
export * from '../repositories/collection-stores';
