export * from './acs-events';
export * from './cwmp-events';
export * from './event-catalog';
