export { openSqliteDatabase, regexpOperand, SqliteWriteBatcher, sqliteDatabaseStats, DEFAULT_CACHE_MIB, type SqliteDatabase, type SqliteDatabaseOptions, type SqliteDatabaseStats } from './sqlite-database';
export { lockDataDirectory, DataDirectoryInUseError, type DataDirectoryLock } from './data-directory-lock';
export { SqliteCollection, type SqliteCollectionSpec } from './sqlite-collection';
export { SqliteFilterTranslator, jsonPathOf, type FieldLocation, type FilterLayout } from './sqlite-filter';
