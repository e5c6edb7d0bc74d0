export * from './document-collection';
export * from './page';
