export * from './document-monitoring-store';
export * from './monitoring-collections.schema';
export * from './mongo-monitoring-store';
export * from './ports';
export * from './sqlite-monitoring-store';
