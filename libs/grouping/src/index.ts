// The grouping service: static, dynamic and nested groups and their membership, and bulk jobs over them (issue 14).
export * from './api';
export * from './domain';
export * from './grouping.config';
export * from './grouping.module';
export * from './provisioning/provisioning-inventory';
export * from './repositories';
export * from './service/device-events.consumer';
export * from './service/group-event.publisher';
export * from './service/periodic-reevaluation';
export * from './usecases';
export * from './provisioning/provisioning-tasks';
export * from './service/job-event.publisher';
export * from './service/job-task-events.consumer';
export * from './service/job.scheduler';
