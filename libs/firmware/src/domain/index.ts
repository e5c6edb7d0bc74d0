export * from './file-type';
export * from './firmware-file';
export * from './campaign';
export * from './upgrade-outcome';
export * from './campaign-device';
