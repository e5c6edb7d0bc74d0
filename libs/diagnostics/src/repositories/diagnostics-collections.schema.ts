import { ServiceCollections } from '@acs/infra-mongo';
import { Schema } from 'mongoose';

/*
 * The diagnostics service's MongoDB collections. Each part of the service (test runs, monitoring samples, thresholds
 * and alarms) declares its own collections on this one registry, in its own `*-collections.schema.ts`, with one
 * comment per index naming the query it serves; apps/db-indexes creates them all from here.
 */
export const diagnosticsCollections = new ServiceCollections('diagnostics');

/** A lease: which pod does a periodic work of the service (the monitoring rollup) until when (DocumentLeases). */
const leaseSchema = new Schema({ _id: { type: String, required: true }, owner: String, expiresAt: Number, epoch: Number }, { versionKey: false, strict: false, minimize: false });

// A handful of documents, each read and written by _id (the work's name).
export const diagnosticsLeaseCollection = diagnosticsCollections.define({ name: 'leases', schema: leaseSchema, indexes: [] });
