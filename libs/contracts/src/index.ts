export * from './cwmp-events';
