// The diagnostics service (issue 15): TR-143 test runs, performance monitoring, thresholds and alarms.
export * from './domain';
export * from './monitoring';
