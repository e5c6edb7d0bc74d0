export * from './device';
export * from './preset';
export * from './task';
export * from './device-fields';
export * from './field-names';
export * from './task-result';
export * from './device-presence';
