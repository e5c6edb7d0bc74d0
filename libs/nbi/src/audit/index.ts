export * from './audit-log.port';
export * from './file-audit-log';
export * from './mongo-audit-log';
export * from './nbi-collections.schema';
export * from './audit-retention';
export * from './audit-writer';
