export * from './grouping-collections.schema';
export * from './group.repository';
export * from './membership.repository';
export * from './mongo-store';
export * from './ports';
export * from './sqlite-store';
export * from './job.repository';
