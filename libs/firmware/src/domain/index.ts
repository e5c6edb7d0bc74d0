export * from './file-type';
export * from './firmware-file';
export * from './campaign';
export * from './upgrade-outcome';
