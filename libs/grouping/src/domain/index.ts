export * from './device-view';
export * from './group';
export * from './group-directory';
export * from './group-rule';
