export { openSqliteDatabase, regexpOperand, SqliteWriteBatcher, sqliteDatabaseStats, DEFAULT_CACHE_MIB, type SqliteDatabase, type SqliteDatabaseOptions, type SqliteDatabaseStats } from './sqlite-database';
export { lockDataDirectory, DataDirectoryInUseError, type DataDirectoryLock } from './data-directory-lock';
export { SqliteCollection, type SqliteCollectionSpec } from './sqlite-collection';
export { SqliteFilterTranslator, jsonPathOf, type FieldLocation, type FilterLayout } from './sqlite-filter';
export { SqliteDeviceQueue } from './sqlite-device-queue';
export { SqliteEventOutbox, type SqliteEventOutboxOptions } from './sqlite-event-outbox';
export { openSqliteGatewayStore, GATEWAY_DATABASE_FILE, type SqliteGatewayStore, type SqliteGatewayStoreOptions } from './sqlite-gateway-store';
