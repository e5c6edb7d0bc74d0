export * from './alarm';
export * from './threshold-rule';
export * from './threshold-state';
