// Performance monitoring (issue 15): the metric catalog, samples stored as bucketed time series with counters turned
// into rates, rollups and retention, monitoring profiles.
export * from './api';
export * from './domain';
export * from './repositories';
export * from './usecases';
export * from './collection';
export * from './service/bulkdata-ingest';
