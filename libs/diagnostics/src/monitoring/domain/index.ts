export * from './counter-rate';
export * from './metric-catalog';
export * from './monitoring-profile';
export * from './sample-series';
