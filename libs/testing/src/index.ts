export * from './contract-subject';
export * from './device-queue.contract';
export * from './document-collection.contract';
export * from './event-bus.contract';
export * from './session-store.contract';
export * from './event-outbox.contract';
export * from './auth-lockout-store.contract';
export * from './free-port';
