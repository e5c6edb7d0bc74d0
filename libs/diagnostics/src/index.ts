// The diagnostics service (issue 15). So far its domain: the TR-143 catalog, the request that starts a test and the
// parser of its result; no I/O.
export * from './domain';
