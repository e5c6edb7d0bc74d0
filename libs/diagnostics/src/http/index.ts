// The ACS side of diagnostics over HTTP: TR-143 download/upload test endpoints and the BulkData collector.
export * from './bandwidth-limiter';
export * from './bulkdata-report';
export * from './bulkdata-report.parser';
export * from './diagnostics-http.config';
export * from './diagnostics-http.metrics';
export * from './diagnostics-http.secret';
export * from './diagnostics-http.server';
export * from './diagnostics-url.signer';
