export * from './audit';
export * from './nbi.config';
export * from './nbi.module';
export * from './security';
export { RELAYED_MESSAGES } from './api/provisioning-relays';
export { matches as eventMatchesFilter, type EventFilter } from './api/event-hub';
