export * from './index-builder';
export * from './mongo-config';
export * from './mongo-connection';
export * from './mongo-errors';
export * from './service-collections';
export * from './mongo-test-database';
export * from './mongo-document-collection';
