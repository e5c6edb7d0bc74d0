export * from './mongo-audit-log';
export * from './nbi-collections.schema';
export * from './sqlite-audit-log';
