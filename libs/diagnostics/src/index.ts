// The diagnostics service (issue 15): TR-143 test runs, performance monitoring, thresholds and alarms.
export * from './api';
export * from './diagnostics.config';
export * from './diagnostics.module';
export * from './domain';
export * from './provisioning/provisioning-diagnostics';
export * from './repositories';
export * from './service/run-event.publisher';
export * from './service/run-task-events.consumer';
export * from './service/run-timeout.sweeper';
export * from './service/run.metrics';
export * from './usecases';
export * from './alarms';
export * from './http';
export * from './monitoring';
