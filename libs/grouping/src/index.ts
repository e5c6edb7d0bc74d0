// The grouping service: static, dynamic and nested groups and their membership (issue 14; bulk jobs to come).
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
