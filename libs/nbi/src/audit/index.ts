export * from './audit-log.port';
export * from './audit-retention';
export * from './audit-writer';
