// Thresholds and alarms: threshold rules over monitoring's metric points, a state machine per (rule, device), alarms
// (docs/diagnostics.md, "Thresholds and alarms"; ADR 36).
export * from './repositories/alarms-collections.schema';
export * from './api';
export * from './domain';
export * from './repositories';
export * from './usecases';
