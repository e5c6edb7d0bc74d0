export * from './in-process-device-queue';
export * from './in-process-event-bus';
export * from './in-process-event-outbox';
export * from './in-process-session-store';
export * from './prefixed-event-bus';
export * from './in-process-auth-lockout-store';
