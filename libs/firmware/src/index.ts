export * from './api';
export * from './domain';
export * from './firmware.config';
export * from './firmware.module';
export * from './repositories';
export * from './usecases';
