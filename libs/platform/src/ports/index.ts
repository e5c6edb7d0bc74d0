export * from './device-queue.port';
export * from './event-bus.port';
export * from './event-outbox.port';
export * from './session-store.port';
export * from './unavailable.error';
export * from './auth-lockout-store.port';
