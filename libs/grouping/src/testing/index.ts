export * from './grouping-fixture';
export * from './in-memory-inventory';
export * from './membership-repository.contract';
export * from './in-memory-job-tasks';
export * from './job-repository.contract';
