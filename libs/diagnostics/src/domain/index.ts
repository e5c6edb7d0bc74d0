export * from './diagnostics-catalog';
export * from './diagnostics-request';
export * from './diagnostics-result';
export * from './diagnostics-values';
export * from './metric-point';
export * from './diagnostic-run';
export * from './run-summary';
export * from './udp-echo-responder';
