export * from './redis-client';
export * from './redis-device-queue';
export * from './redis-keys';
export * from './redis-session-store';
export * from './redis-event-outbox';
