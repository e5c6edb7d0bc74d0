export * from './audit-log.port';
export * from './file-audit-log';
export * from './audit-retention';
export * from './audit-writer';
