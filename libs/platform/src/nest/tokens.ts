/** Injection tokens of the ports and shared services (ports are interfaces, so Nest needs explicit tokens). */
export const SESSION_STORE = Symbol('SessionStore');
export const DEVICE_QUEUE = Symbol('DeviceQueue');
export const EVENT_BUS = Symbol('EventBus');
export const EVENT_OUTBOX = Symbol('EventOutbox');
export const AUTH_LOCKOUT_STORE = Symbol('AuthLockoutStore');
export const LOGGER = Symbol('Logger');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
export const HEALTH_REGISTRY = Symbol('HealthRegistry');
