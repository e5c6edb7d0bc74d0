export * from './monitoring-fixture';
export * from './monitoring-store.contract';
