import { ServiceCollections } from '@acs/infra-mongo';
import { Schema } from 'mongoose';

/*
 * The NBI's MongoDB collections and their indexes, each with the query it serves. apps/db-indexes builds them with
 * every other service's (registries.ts lists `nbiCollections`).
 */
export const nbiCollections = new ServiceCollections('nbi');

const auditSchema = new Schema(
  {
    /** The entry's id (AuditEntry.id). */
    _id: { type: String, required: true },
    /** Epoch ms when the call arrived. */
    time: Number,
    client: String,
    authentication: String,
    /** Token label (or digest prefix) or certificate subject; absent in entries written before it was recorded. */
    credential: String,
    method: String,
    resourceType: String,
    action: String,
    target: String,
    outcome: String,
    message: String,
    peer: String,
    durationMs: Number,
  },
  { versionKey: false, strict: true, minimize: false },
);

export const auditCollection = nbiCollections.define({
  name: 'audit',
  schema: auditSchema,
  indexes: [
    {
      fields: { time: -1, _id: -1 },
      why: 'ListAuditRecords without a client: newest first, paged by (time, _id); resourceType/outcome filters ride along on it',
    },
    { fields: { client: 1, time: -1 }, why: "ListAuditRecords for one client: that client's entries newest first" },
  ],
});
