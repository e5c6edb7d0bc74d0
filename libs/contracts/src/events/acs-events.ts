/**
 * The public events on `acs.device` and `acs.task` (docs/events.md, JSON Schemas in libs/contracts/schemas): the one
 * definition of their types and data, used by provisioning (which publishes them), the NBI (which streams them) and
 * consumers written in TypeScript (the example billing consumer). The schemas say the same for other languages;
 * event-schemas.spec.ts beside this file checks that these shapes validate against them. Topics and the payload of
 * each type are tied together in event-catalog.ts.
 */

export const AcsDeviceEventType = {
  /** First Inform of a device the ACS did not know. */
  registered: 'acs.device.registered',
  /** Inform with `0 BOOTSTRAP` (new or factory-reset device). */
  bootstrapped: 'acs.device.bootstrapped',
  /** Inform with `1 BOOT`. */
  booted: 'acs.device.booted',
  /** Inform with `4 VALUE CHANGE`: the changed parameters. */
  parametersChanged: 'acs.device.parameters-changed',
  /** Deleted through the API. */
  deleted: 'acs.device.deleted',
  /** Tagged or untagged through the API: the device's tags after. */
  tagsChanged: 'acs.device.tags-changed',
} as const;
export type AcsDeviceEventType = (typeof AcsDeviceEventType)[keyof typeof AcsDeviceEventType];

export const AcsTaskEventType = {
  dispatched: 'acs.task.dispatched',
  retrying: 'acs.task.retrying',
  done: 'acs.task.done',
  faulted: 'acs.task.faulted',
  cancelled: 'acs.task.cancelled',
  expired: 'acs.task.expired',
} as const;
export type AcsTaskEventType = (typeof AcsTaskEventType)[keyof typeof AcsTaskEventType];

export const AcsFirmwareEventType = {
  /** A campaign was created (its targets selected); it starts at once. */
  campaignCreated: 'acs.firmware.campaign-created',
  campaignStarted: 'acs.firmware.campaign-started',
  /** A wave met its success criteria and the next one began. */
  waveAdvanced: 'acs.firmware.campaign-wave-advanced',
  /** Paused by an operator or by its failure threshold (`reason` says which, with the figures). */
  campaignPaused: 'acs.firmware.campaign-paused',
  campaignResumed: 'acs.firmware.campaign-resumed',
  /** Every device succeeded, failed or was skipped. */
  campaignCompleted: 'acs.firmware.campaign-completed',
  campaignCancelled: 'acs.firmware.campaign-cancelled',
  /** A device of an upgrade campaign runs its target version (verified by the version it reported). */
  deviceUpgraded: 'acs.firmware.device-upgraded',
  /** A device's upgrade or rollback failed for good (its attempts used up, or a failure not worth retrying). */
  deviceFailed: 'acs.firmware.device-failed',
  /** A device of a rollback campaign runs its previous version again. */
  deviceRolledBack: 'acs.firmware.device-rolled-back',
} as const;
export type AcsFirmwareEventType = (typeof AcsFirmwareEventType)[keyof typeof AcsFirmwareEventType];

/** `data` of every `acs.firmware` event: the campaign, and the device for device events. */
export interface AcsFirmwareEventData {
  campaignId: string;
  campaignName: string;
  /** `upgrade` or `rollback`. */
  campaignKind: string;
  /** Wave-advanced: the wave that began (from 0); device events: the device's wave. */
  wave?: number;
  /** Paused: why (`manual` with who and why, or `threshold` with the figures). */
  reason?: { kind: 'manual' | 'threshold'; text: string };
  deviceId?: string;
  /** Device events: the version it ran before, and the one the campaign installs. */
  fromVersion?: string;
  toVersion?: string;
  /** Device events: attempts made. */
  attempts?: number;
  /** Device-failed: why (a CPE fault code, `timeout`, `wrong-version`, `unreachable`…). */
  error?: { code: string; message: string };
}

export const AcsGroupEventType = {
  groupCreated: 'acs.group.group-created',
  /** Its name, rule (filter) or parent changed; membership changes follow as device events. */
  groupChanged: 'acs.group.group-changed',
  /** Deleted; its members left it without a device-left event each. */
  groupDeleted: 'acs.group.group-deleted',
  /** A device became a member (its group's rule and its parent's membership both hold). */
  deviceJoined: 'acs.group.device-joined',
  /** A device stopped being a member (its rule no longer holds, it left the parent, or it was deleted). */
  deviceLeft: 'acs.group.device-left',
  /** A bulk job was created (its first run starts now or when its schedule fires). Data: AcsJobEventData. */
  jobCreated: 'acs.group.job-created',
  /** A run of a job started: its devices were selected (`devices` of them). */
  jobRunStarted: 'acs.group.job-run-started',
  /** A job's run was paused by an operator or by its failure threshold (`reason` says which, with the figures). */
  jobRunPaused: 'acs.group.job-run-paused',
  jobRunResumed: 'acs.group.job-run-resumed',
  /** Every device of a job's run succeeded, failed or was skipped (`counts`). */
  jobRunCompleted: 'acs.group.job-run-completed',
  /** A job was cancelled: its run going on (`runId`, if any) stops and no run starts any more. */
  jobCancelled: 'acs.group.job-cancelled',
} as const;
export type AcsGroupEventType = (typeof AcsGroupEventType)[keyof typeof AcsGroupEventType];

/** `data` of every `acs.group` event: the group, and the device for device events. */
export interface AcsGroupEventData {
  groupId: string;
  groupName: string;
  /** `static` or `dynamic`. */
  groupKind: string;
  /** The parent group, for a nested group. */
  parentId?: string;
  /** A dynamic group's filter (docs/filter-language.md). */
  filter?: string;
  deviceId?: string;
  /**
   * Device events: why it joined or left: `rule` (its rule's answer changed: a device event, a filter change, static
   * members added or removed), `parent` (it joined or left the parent), `deleted` (the device was deleted).
   */
  reason?: 'rule' | 'parent' | 'deleted';
}

/** The `acs.group` event types about bulk jobs (their `data` is AcsJobEventData). */
export const ACS_JOB_EVENT_TYPES = [
  AcsGroupEventType.jobCreated,
  AcsGroupEventType.jobRunStarted,
  AcsGroupEventType.jobRunPaused,
  AcsGroupEventType.jobRunResumed,
  AcsGroupEventType.jobRunCompleted,
  AcsGroupEventType.jobCancelled,
] as const;
export type AcsJobEventType = (typeof ACS_JOB_EVENT_TYPES)[number];

/**
 * `data` of the `acs.group` job events. A device's outcome in a run is no event of its own: its task's acs.task events
 * (source `job:<jobId>`) already say it, and a run over the fleet would publish a million of the same news twice.
 */
export interface AcsJobEventData {
  jobId: string;
  jobName: string;
  /** Run events (and job-cancelled with a run going on): the run, `<jobId>.<n>`. */
  runId?: string;
  /** Job-created: `group` or `filter`, and the group's id or the filter. */
  targetKind?: 'group' | 'filter';
  groupId?: string;
  filter?: string;
  /** Job-created: the task kind each device gets (a TaskSpec kind: `reboot`, `setParameterValues`…). */
  action?: string;
  /** Job-run-paused: why (`manual` with who and why, or `threshold` with the figures). */
  reason?: { kind: 'manual' | 'threshold'; text: string };
  /** Job-run-started: how many devices the run covers. */
  devices?: number;
  /** Job-run-completed: the devices per outcome. */
  counts?: { succeeded: number; failed: number; skipped: number };
}

/** Event types of the public `acs.diagnostics` topic (the diagnostics service: TR-143 test runs, threshold alarms). */
export const AcsDiagnosticsEventType = {
  /** A test run ended with the device's results (`summary`). Subject: the device id. */
  testCompleted: 'acs.diagnostics.test-completed',
  /** A test run ended without results: the device's `Error_*` state, `Rejected`, `Timeout` or `Cancelled` (`state`, `reason`). */
  testFailed: 'acs.diagnostics.test-failed',
  /** A threshold rule's metric crossed its threshold on a device. */
  alarmRaised: 'acs.diagnostics.alarm-raised',
  /** A raised alarm's metric came back within its threshold. */
  alarmCleared: 'acs.diagnostics.alarm-cleared',
  /** An operator acknowledged an alarm. */
  alarmAcknowledged: 'acs.diagnostics.alarm-acknowledged',
} as const;
export type AcsDiagnosticsEventType = (typeof AcsDiagnosticsEventType)[keyof typeof AcsDiagnosticsEventType];

/** The `acs.diagnostics` event types about test runs (their `data` is AcsDiagnosticsTestEventData). */
export const ACS_DIAGNOSTICS_TEST_EVENT_TYPES = [AcsDiagnosticsEventType.testCompleted, AcsDiagnosticsEventType.testFailed] as const;

/** `data` of acs.diagnostics.test-completed and test-failed. */
export interface AcsDiagnosticsTestEventData {
  runId: string;
  deviceId: string;
  /** `ipPing`, `traceRoute`, `download`, `upload`, `udpEcho`, `serverSelection`, `nsLookup`, `ipLayerCapacity`. */
  kind: string;
  /** The device's test object, e.g. `Device.IP.Diagnostics.IPPing.`. */
  objectPath: string;
  dataModel: 'tr-181' | 'tr-098';
  /** The API client that asked for the run. */
  requestedBy?: string;
  /** ISO 8601 times the run was asked for and ended. */
  requestedAt: string;
  completedAt: string;
  /**
   * Test-completed: the headline figures, flat (ping `successCount`, `failureCount`, `minRttMs`, `avgRttMs`,
   * `maxRttMs`, `lossRatio`; download/upload `throughputBitsPerSecond`…; docs/events.md lists them per kind).
   */
  summary?: Record<string, string | number>;
  /** Test-failed: the device's `Error_*` state, `Rejected` (it refused the inputs), `Timeout` or `Cancelled`. */
  state?: string;
  /** Test-failed: why, for a person. */
  reason?: string;
}

/** `data` of the acs.diagnostics alarm events. */
export interface AcsDiagnosticsAlarmEventData {
  alarmId: string;
  ruleId: string;
  ruleName: string;
  /** The device whose metric crossed the threshold. */
  deviceId?: string;
  metric: string;
  severity: 'critical' | 'major' | 'minor' | 'warning';
  direction: 'above' | 'below';
  threshold: number;
  /** The metric's value that raised (or cleared) the alarm. */
  value: number;
  /** ISO 8601 times. */
  raisedAt: string;
  clearedAt?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

/** `data` of every `acs.device` event (`eventCodes` on Inform-caused ones, `parameters` on parameters-changed). */
export interface AcsDeviceEventData {
  deviceId: string;
  oui: string;
  productClass: string;
  serialNumber: string;
  softwareVersion?: string;
  eventCodes?: string[];
  /** Parameter values as the device reported them (string, number or boolean). */
  parameters?: Array<{ path: string; value: string | number | boolean }>;
  /** acs.device.tags-changed: every tag of the device after the change. */
  tags?: string[];
}

/** What a task does; one per task kind of the API's TaskSpec. */
export type AcsTaskKind =
  | 'getParameterValues'
  | 'setParameterValues'
  | 'refreshObject'
  | 'getParameterNames'
  | 'addObject'
  | 'deleteObject'
  | 'getParameterAttributes'
  | 'setParameterAttributes'
  | 'reboot'
  | 'factoryReset'
  | 'download'
  | 'upload'
  | 'scheduleInform'
  | 'applyPreset';

export type AcsTaskStatus = 'pending' | 'dispatched' | 'done' | 'faulted' | 'expired' | 'cancelled';

export interface AcsTaskFault {
  /** CPE fault code (9xxx), or an ACS reason code: `cr-unreachable`, `cr-auth-failed`, `timeout`, `expired`… */
  code: string;
  message: string;
  /** For SetParameterValues faults: each refused parameter with its own fault code. */
  parameters?: Array<{ path: string; code: number; message: string }>;
  /** Whether a retry may succeed. */
  transient: boolean;
}

/** `data` of every `acs.task` event. */
export interface AcsTaskEventData {
  taskId: string;
  deviceId: string;
  kind: AcsTaskKind;
  status: AcsTaskStatus;
  /** `api:<client>` (`api` when the caller is not known) or `preset:<name>`. */
  source: string;
  attempts: number;
  fault?: AcsTaskFault;
  /**
   * What the device answered, on `acs.task.done` (e.g. the values read), when at most 64 KiB as JSON
   * (`resultSummary.inline`); a larger result is left out: read it with TaskService.GetTaskResult.
   */
  result?: unknown;
  /** Counts of the result and the fault, on every event of a task that has either. */
  resultSummary?: AcsTaskResultSummary;
}

/** Counts of a task's result (and fault), as TaskService's TaskResultSummary (field names in camelCase). */
export interface AcsTaskResultSummary {
  /** `parameter_values`, `names`, `attributes` or `object`. */
  entryKind: string;
  entryCount: number;
  /** The result as JSON text, in bytes. */
  sizeBytes: number;
  /** Whether `result` carries the whole result (on `acs.task.done`). */
  inline: boolean;
  parametersRead: number;
  parametersSet: number;
  parametersFailed: number;
}

/** A public event as a Kafka record carries it: CloudEvents 1.0, structured mode, JSON. */
export interface AcsCloudEvent<
  T = AcsDeviceEventData | AcsTaskEventData | AcsFirmwareEventData | AcsGroupEventData | AcsJobEventData | AcsDiagnosticsTestEventData | AcsDiagnosticsAlarmEventData,
> {
  specversion: '1.0';
  id: string;
  /** `/acs/` + the topic, with the installation's topic prefix if any. */
  source: string;
  type: string;
  /** The device id (also the record key); for acs.firmware campaign events the campaign id, for acs.group group events the group id, for job events the job id; for acs.diagnostics the device id. */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}
