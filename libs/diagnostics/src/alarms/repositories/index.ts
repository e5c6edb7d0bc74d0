export * from './ports';
export { openSqliteAlarmStore, type SqliteAlarmStoreOptions } from './sqlite-alarm-store';
export { openMongoAlarmStore } from './mongo-alarm-store';
