export * from './redis-client';
export * from './redis-device-queue';
export * from './redis-keys';
export * from './redis-session-store';
export * from './redis-event-outbox';
export * from './redis-auth-lockout-store';
