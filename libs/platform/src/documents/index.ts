export * from './document-collection';
