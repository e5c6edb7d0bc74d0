export * from './device-view';
export * from './group';
export * from './group-directory';
export * from './group-rule';
export * from './job';
export * from './job-outcome';
export * from './job-schedule';
