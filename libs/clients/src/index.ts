// Clients of the services' APIs, for any service to import (services meet through contracts and these clients,
// never through each other's libs). One file per service; the transport is chosen by the caller's wiring.
export * from './service-client';
export * from './provisioning.client';
export * from './firmware.client';
export * from './grouping.client';
export * from './diagnostics.client';
