import { Schema } from 'mongoose';

import { diagnosticsCollections } from '../../repositories/diagnostics-collections.schema';

/*
 * Thresholds and alarms' collections (`diagnostics.thresholdRules`, `diagnostics.thresholdStates`,
 * `diagnostics.alarms`), each index with the query it serves. The repositories write through DocumentCollection; these
 * schemas document the shape and carry the indexes (the SQLite store takes the same ones: sqliteIndexesOf).
 * Sizing assumption: hundreds of rules; a state per (rule, device) only while the device is near or over the
 * threshold (thousands, not the fleet); alarms up to millions (a fleet-wide outage), kept until the retention purges
 * the cleared ones.
 */

const options = { versionKey: false, strict: false, minimize: false } as const;

const thresholdRuleSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    metric: String,
    target: Schema.Types.Mixed,
    direction: String,
    raiseAt: Number,
    clearAt: Number,
    forSeconds: Number,
    clearForSeconds: Number,
    severity: String,
    enabled: Boolean,
    description: String,
    createdAt: Number,
    createdBy: String,
    updatedAt: Number,
    revision: Number,
  },
  options,
);

export const thresholdRuleCollection = diagnosticsCollections.define({
  name: 'thresholdRules',
  schema: thresholdRuleSchema,
  indexes: [
    { fields: { enabled: 1 }, why: 'the enabled rules, read by every evaluation of a batch of metric points (EvaluateThresholds)' },
    { fields: { name: 1, _id: 1 }, why: 'ListThresholdRules, by name' },
  ],
});

/** `_id` = `<ruleId>:<deviceId>`: one record per (rule, device), present only while it is not normal (ADR 36). */
const thresholdStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    ruleId: String,
    deviceId: String,
    phase: String,
    since: Number,
    lastAt: Number,
    lastValue: Number,
    raisedAt: Number,
    raisedValue: Number,
    revision: Number,
  },
  options,
);

export const thresholdStateCollection = diagnosticsCollections.define({
  name: 'thresholdStates',
  schema: thresholdStateSchema,
  indexes: [{ fields: { ruleId: 1 }, why: "a rule's records, dropped when it is deleted, disabled or measures something else" }],
});

const alarmSchema = new Schema(
  {
    _id: { type: String, required: true },
    ruleId: String,
    ruleName: String,
    deviceId: String,
    metric: String,
    severity: String,
    direction: String,
    threshold: Number,
    value: Number,
    lastValue: Number,
    raisedAt: Number,
    clearedAt: Number,
    clearReason: String,
    state: String,
    acknowledged: Schema.Types.Mixed,
    /** `<raisedAt, 13 digits>:<id>`: the listing order (newest first) in one field, so a page starts after one key. */
    listKey: String,
  },
  options,
);

export const alarmCollection = diagnosticsCollections.define({
  name: 'alarms',
  schema: alarmSchema,
  indexes: [
    { fields: { listKey: -1 }, why: 'ListAlarms without a device, rule or state: every alarm newest first (severity, acknowledged tested along the walk)' },
    { fields: { state: 1, listKey: -1 }, why: 'ListAlarms of one state, newest first: the active alarms, the console\'s main view' },
    { fields: { deviceId: 1, listKey: -1 }, why: "ListAlarms of a device, newest first (a device has few: other conditions tested along the walk)" },
    { fields: { ruleId: 1, listKey: -1 }, why: "ListAlarms of a rule, newest first" },
    { fields: { ruleId: 1, state: 1, listKey: -1 }, why: "a rule's active alarms, cleared when it is deleted or disabled; ListAlarms of a rule and a state" },
    { fields: { clearedAt: 1 }, why: 'the retention: cleared alarms older than the retention period, deleted (PurgeClearedAlarms)' },
  ],
});
