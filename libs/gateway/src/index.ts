export * from './auth/cpe-authenticator';
export * from './auth/cpe-credentials';
export * from './gateway.config';
export * from './gateway.metrics';
export * from './gateway.module';
export * from './http/cwmp-http.server';
export * from './session/session-engine';
export * from './session/sessions-in-flight';
