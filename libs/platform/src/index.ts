export * from './adapters';
export * from './config/env';
export * from './logging/logger';
export * from './nest';
export * from './observability/health';
export * from './observability/metrics';
export * from './ports';
