import { ServiceCollections } from '@acs/infra-mongo';

/*
 * The diagnostics service's MongoDB collections. Each part of the service (test runs, monitoring samples, thresholds
 * and alarms) declares its own collections on this one registry, in its own `*-collections.schema.ts`, with one
 * comment per index naming the query it serves; apps/db-indexes creates them all from here.
 */
export const diagnosticsCollections = new ServiceCollections('diagnostics');
