export * from './device';
export * from './preset';
export * from './task';
