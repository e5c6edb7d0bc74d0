import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { AcsDeviceEventType, AcsTaskEventType, type AcsCloudEvent, type AcsDeviceEventData as DeviceEventData, type AcsTaskEventData as TaskEventData, type AcsFirmwareEventData as FirmwareEventData, type AcsGroupEventData as GroupEventData, type AcsJobEventData as JobEventData, type AcsDiagnosticsTestEventData as TestEventData, type AcsDiagnosticsAlarmEventData as AlarmEventData } from './acs-events';
import { newEvent, PUBLIC_TOPICS, TopicEventTypes, type CatalogEvent, type EventPayload, type EventTypeOf, type PublicTopic } from './event-catalog';

// The TypeScript shapes of the event catalog's public topics (what provisioning publishes) checked against the JSON
// Schemas other languages read: every type of the contract, with data as the types allow.
const DEVICE_TYPES: string[] = Object.values(AcsDeviceEventType);
const TASK_TYPES: string[] = Object.values(AcsTaskEventType);

const SCHEMAS_DIR = join(__dirname, '..', '..', 'schemas');

function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS_DIR, name), 'utf8')) as Record<string, unknown>;
}

const deviceSchema = loadSchema('acs-device.v1.schema.json');
const taskSchema = loadSchema('acs-task.v1.schema.json');

// Ajv 6 (the one installed) knows draft-07, not 2020-12: the schemas use only keywords both drafts read alike
// (type, const, enum, required, properties, allOf, if/then, $ref to a JSON pointer), so the meta-schema check is off.
const ajv = new Ajv({ allErrors: true, validateSchema: false, format: 'full' });
const validateDevice = ajv.compile(deviceSchema);
const validateTask = ajv.compile(taskSchema);

const deviceId = '00259E-HG8245H-48575443A1B2C3D4';
const identity = { deviceId, oui: '00259E', productClass: 'HG8245H', serialNumber: '48575443A1B2C3D4' };

function event<T>(topic: string, type: string, data: T, id = `${type}-1`): AcsCloudEvent<T> {
  return {
    specversion: '1.0',
    id,
    source: `/acs/${topic}`,
    type,
    subject: deviceId,
    time: '2026-11-22T03:00:00.000Z',
    datacontenttype: 'application/json',
    data,
  };
}

function deviceEvent(type: string, data: DeviceEventData | Omit<DeviceEventData, 'eventCodes'>): AcsCloudEvent<DeviceEventData> {
  return event('acs.device', type, data);
}

const informed: DeviceEventData = { ...identity, softwareVersion: 'V5R019C10S115', eventCodes: ['0 BOOTSTRAP', '1 BOOT'] };
const task: TaskEventData = { taskId: 't-1', deviceId, kind: 'getParameterValues', status: 'dispatched', source: 'api', attempts: 1 };

const campaign: FirmwareEventData = { campaignId: 'c-1', campaignName: 'spring upgrade', campaignKind: 'upgrade' };
const upgraded: FirmwareEventData = { ...campaign, deviceId, wave: 0, fromVersion: '1.0', toVersion: '2.0', attempts: 1 };

const group: GroupEventData = { groupId: 'g-1', groupName: 'business tier', groupKind: 'dynamic', filter: 'tag = "business"' };
const joined: GroupEventData = { ...group, parentId: 'g-0', deviceId, reason: 'rule' };
const job: JobEventData = { jobId: 'j-1', jobName: 'nightly reboot' };
const run: JobEventData = { ...job, runId: 'j-1.3' };

function errorsOf(validate: typeof validateDevice, value: unknown): string {
  return validate(value) ? '' : ajv.errorsText(validate.errors);
}

describe('acs.device v1 schema', () => {
  it('names every acs.device type provisioning publishes', () => {
    expect(deviceSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((deviceSchema.properties as { type: { enum: string[] } }).type.enum).toEqual(DEVICE_TYPES);
  });

  it.each([
    ['acs.device.registered', informed],
    ['acs.device.bootstrapped', informed],
    ['acs.device.booted', { ...identity, eventCodes: ['1 BOOT'] }],
    ['acs.device.parameters-changed', { ...informed, parameters: [{ path: 'Device.DeviceInfo.UpTime', value: 42 }, { path: 'Device.WiFi.SSID.1.SSID', value: 'home' }] }],
    ['acs.device.deleted', identity],
    ['acs.device.tags-changed', { ...identity, tags: ['lab', 'vip'] }],
    ['acs.device.tags-changed', { ...identity, tags: [] }],
  ])('accepts %s', (type, data) => {
    expect(errorsOf(validateDevice, deviceEvent(type, data))).toBe('');
  });

  it('accepts a prefixed topic in source, extension attributes and new data fields (additive changes)', () => {
    const sample = { ...event('prod-eu.acs.device', 'acs.device.booted', { ...informed, firstSeen: '2026-01-01' }), traceparent: '00-abc-def-01' };
    expect(errorsOf(validateDevice, sample)).toBe('');
  });

  it.each<[string, (e: AcsCloudEvent<DeviceEventData>) => unknown]>([
    ['another specversion', (e) => ({ ...e, specversion: '0.3' })],
    ['no subject', ({ subject: _, ...e }) => e],
    ['no id', ({ id: _, ...e }) => e],
    ['a time that is not a date-time', (e) => ({ ...e, time: 'yesterday' })],
    ['a type it does not define', (e) => ({ ...e, type: 'acs.device.exploded' })],
    ['the acs.task source', (e) => ({ ...e, source: '/acs/acs.task' })],
    ['data without serialNumber', (e) => ({ ...e, data: { ...e.data, serialNumber: undefined } })],
    ['parameters-changed without parameters', (e) => ({ ...e, type: 'acs.device.parameters-changed' })],
    ['a parameter value that is an object', (e) => ({ ...e, type: 'acs.device.parameters-changed', data: { ...e.data, parameters: [{ path: 'A.B', value: {} }] } })],
    ['tags-changed without tags', (e) => ({ ...e, type: 'acs.device.tags-changed' })],
    ['a tag that is not a string', (e) => ({ ...e, type: 'acs.device.tags-changed', data: { ...e.data, tags: [7] } })],
  ])('refuses %s', (_, spoil) => {
    const spoiled = JSON.parse(JSON.stringify(spoil(deviceEvent('acs.device.registered', informed)))) as unknown;
    expect(validateDevice(spoiled)).toBe(false);
  });
});

describe('acs.task v1 schema', () => {
  it('names every acs.task type provisioning publishes', () => {
    expect(taskSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect((taskSchema.properties as { type: { enum: string[] } }).type.enum).toEqual(TASK_TYPES);
  });

  it.each<[string, TaskEventData]>([
    ['acs.task.dispatched', task],
    ['acs.task.retrying', { ...task, status: 'pending', fault: { code: 'cr-unreachable', message: 'no answer', transient: true } }],
    ['acs.task.done', { ...task, status: 'done', result: { 'Device.DeviceInfo.UpTime': 42 } }],
    [
      'acs.task.faulted',
      { ...task, kind: 'setParameterValues', status: 'faulted', fault: { code: '9003', message: 'Invalid arguments', transient: false, parameters: [{ path: 'Device.X', code: 9007, message: 'Invalid value' }] } },
    ],
    ['acs.task.cancelled', { ...task, status: 'cancelled' }],
    ['acs.task.expired', { ...task, status: 'expired', fault: { code: 'expired', message: 'not done in time', transient: false } }],
  ])('accepts %s', (type, data) => {
    expect(errorsOf(validateTask, event('acs.task', type, data))).toBe('');
  });

  it.each<[string, AcsCloudEvent<unknown>]>([
    ['a faulted task without its fault', event('acs.task', 'acs.task.faulted', { ...task, status: 'faulted' })],
    ['a done event whose task is not done', event('acs.task', 'acs.task.done', { ...task, status: 'dispatched' })],
    ['attempts that are not an integer', event('acs.task', 'acs.task.dispatched', { ...task, attempts: 1.5 })],
    ['an unknown status', event('acs.task', 'acs.task.dispatched', { ...task, status: 'running' })],
    ['a fault without transient', event('acs.task', 'acs.task.faulted', { ...task, status: 'faulted', fault: { code: '9002', message: 'x' } })],
    ['a device event', event('acs.device', 'acs.device.registered', informed)],
  ])('refuses %s', (_, sample) => {
    expect(validateTask(sample)).toBe(false);
  });
});

describe('acs.firmware v1 schema', () => {
  const validateFirmware = ajv.compile(loadSchema('acs-firmware.v1.schema.json'));

  it.each<[string, AcsCloudEvent<unknown>]>([
    ['a failed device without its error', event('acs.firmware', 'acs.firmware.device-failed', upgraded)],
    ['a device event without its versions', event('acs.firmware', 'acs.firmware.device-upgraded', { ...campaign, deviceId })],
    ['a pause without its reason', event('acs.firmware', 'acs.firmware.campaign-paused', campaign)],
    ['a campaign event without its campaign', event('acs.firmware', 'acs.firmware.campaign-started', { campaignName: 'x', campaignKind: 'upgrade' })],
  ])('refuses %s', (_, sample) => {
    expect(validateFirmware(sample)).toBe(false);
  });
});

describe('acs.group v1 schema', () => {
  const validateGroup = ajv.compile(loadSchema('acs-group.v1.schema.json'));

  it.each<[string, AcsCloudEvent<unknown>]>([
    ['a device event without its device', event('acs.group', 'acs.group.device-joined', { ...group, reason: 'rule' })],
    ['a device event without its reason', event('acs.group', 'acs.group.device-left', { ...group, deviceId })],
    ['a group event without its group', event('acs.group', 'acs.group.group-created', { groupName: 'x', groupKind: 'static' })],
    ['an unknown reason', event('acs.group', 'acs.group.device-left', { ...joined, reason: 'whim' })],
    ['a job event without its job', event('acs.group', 'acs.group.job-created', { jobName: 'x' })],
    ['a run event without its run', event('acs.group', 'acs.group.job-run-started', job)],
    ['a run pause without its reason', event('acs.group', 'acs.group.job-run-paused', run)],
    ['a job event with a group\'s data', event('acs.group', 'acs.group.job-run-completed', group)],
  ])('refuses %s', (_, sample) => {
    expect(validateGroup(sample)).toBe(false);
  });
});

const test: TestEventData = {
  runId: 'r-1',
  deviceId,
  kind: 'ipPing',
  objectPath: 'Device.IP.Diagnostics.IPPing.',
  dataModel: 'tr-181',
  requestedBy: 'noc',
  requestedAt: '2026-11-22T02:59:50.000Z',
  completedAt: '2026-11-22T03:00:00.000Z',
};
const alarm: AlarmEventData = {
  alarmId: 'a-1',
  ruleId: 'rule-1',
  ruleName: 'WAN latency',
  deviceId,
  metric: 'ipPing.avgRttMs',
  severity: 'major',
  direction: 'above',
  threshold: 100,
  value: 180,
  raisedAt: '2026-11-22T03:00:00.000Z',
};

describe('acs.diagnostics v1 schema', () => {
  const validateDiagnostics = ajv.compile(loadSchema('acs-diagnostics.v1.schema.json'));

  it.each([
    ['a completed test without its summary', event('acs.diagnostics', 'acs.diagnostics.test-completed', test)],
    ['a failed test without its reason', event('acs.diagnostics', 'acs.diagnostics.test-failed', { ...test, state: 'Timeout' })],
    ['a test of an unknown data model', event('acs.diagnostics', 'acs.diagnostics.test-completed', { ...test, dataModel: 'tr-104', summary: {} })],
    ['a test summary with a nested value', event('acs.diagnostics', 'acs.diagnostics.test-completed', { ...test, summary: { hops: [1] } })],
    ['an alarm without its severity', event('acs.diagnostics', 'acs.diagnostics.alarm-raised', { ...alarm, severity: undefined })],
    ['an unknown severity', event('acs.diagnostics', 'acs.diagnostics.alarm-raised', { ...alarm, severity: 'fatal' })],
    ['a cleared alarm without its time', event('acs.diagnostics', 'acs.diagnostics.alarm-cleared', alarm)],
    ['an alarm event with a test\'s data', event('acs.diagnostics', 'acs.diagnostics.alarm-raised', test)],
  ])('refuses %s', (_, sample) => {
    expect(validateDiagnostics(JSON.parse(JSON.stringify(sample)))).toBe(false);
  });
});

describe('the event catalog and the published schemas', () => {
  /** `acs.device` → `acs-device.v1.schema.json`. */
  const schemaFileOf = (topic: PublicTopic) => `${topic.replace('.', '-')}.v1.schema.json`;
  const validators = new Map(PUBLIC_TOPICS.map((topic) => [topic, ajv.compile(loadSchema(schemaFileOf(topic)))]));

  // One sample per public type. Typed by the catalog: a type added to a public topic fails the build here until it
  // has a sample, and so this spec until the schema names it.
  const samples: { [T in EventTypeOf<PublicTopic>]: EventPayload<T> } = {
    'acs.device.registered': informed,
    'acs.device.bootstrapped': informed,
    'acs.device.booted': { ...identity, eventCodes: ['1 BOOT'] },
    'acs.device.parameters-changed': { ...informed, eventCodes: ['4 VALUE CHANGE'], parameters: [{ path: 'Device.DeviceInfo.UpTime', value: 42 }, { path: 'Device.X_Enabled', value: true }] },
    'acs.device.deleted': identity,
    'acs.device.tags-changed': { ...identity, tags: ['lab'] },
    'acs.task.dispatched': task,
    'acs.task.retrying': { ...task, status: 'pending', fault: { code: 'timeout', message: 'no answer in time', transient: true } },
    'acs.task.done': { ...task, status: 'done', result: [{ path: 'Device.DeviceInfo.UpTime', value: 42 }] },
    'acs.task.faulted': { ...task, status: 'faulted', attempts: 3, fault: { code: '9002', message: 'Internal error', transient: false } },
    'acs.task.cancelled': { ...task, status: 'cancelled' },
    'acs.task.expired': { ...task, status: 'expired', fault: { code: 'expired', message: 'not done in time', transient: false } },
    'acs.firmware.campaign-created': campaign,
    'acs.firmware.campaign-started': campaign,
    'acs.firmware.campaign-wave-advanced': { ...campaign, wave: 1 },
    'acs.firmware.campaign-paused': { ...campaign, reason: { kind: 'threshold', text: '3 failures among the last 20 finished targets (threshold 3)' } },
    'acs.firmware.campaign-resumed': campaign,
    'acs.firmware.campaign-completed': campaign,
    'acs.firmware.campaign-cancelled': campaign,
    'acs.firmware.device-upgraded': upgraded,
    'acs.firmware.device-failed': { ...upgraded, error: { code: '9018', message: 'File corrupted' } },
    'acs.firmware.device-rolled-back': { ...upgraded, campaignKind: 'rollback', fromVersion: '2.0', toVersion: '1.0' },
    'acs.group.group-created': group,
    'acs.group.group-changed': { ...group, filter: 'tag = "business" AND oui = "00259E"' },
    'acs.group.group-deleted': group,
    'acs.group.device-joined': joined,
    'acs.group.device-left': { ...joined, reason: 'parent' },
    'acs.group.job-created': { ...job, targetKind: 'group', groupId: 'g-1', action: 'reboot' },
    'acs.group.job-run-started': { ...run, devices: 1000 },
    'acs.group.job-run-paused': { ...run, reason: { kind: 'threshold', text: '5 failures among the last 50 finished targets (threshold 5)' } },
    'acs.group.job-run-resumed': run,
    'acs.group.job-run-completed': { ...run, counts: { succeeded: 990, failed: 10, skipped: 0 } },
    'acs.group.job-cancelled': run,
    'acs.diagnostics.test-completed': { ...test, summary: { successCount: 4, failureCount: 0, minRttMs: 8.1, avgRttMs: 9.4, maxRttMs: 12, lossRatio: 0, ipAddressUsed: '192.0.2.7' } },
    'acs.diagnostics.test-failed': { ...test, state: 'Timeout', reason: 'the device did not report 8 DIAGNOSTICS COMPLETE within 600 s' },
    'acs.diagnostics.alarm-raised': alarm,
    'acs.diagnostics.alarm-cleared': { ...alarm, value: 40, clearedAt: '2026-11-22T03:05:00.000Z' },
    'acs.diagnostics.alarm-acknowledged': { ...alarm, acknowledgedBy: 'noc', acknowledgedAt: '2026-11-22T03:01:00.000Z' },
  };

  /** The record a public event becomes on Kafka (the adapter's CloudEvents codec does the same, without undefined). */
  function asCloudEvent(event: CatalogEvent): AcsCloudEvent<unknown> {
    const cloudEvent = { specversion: '1.0', id: event.id, source: `/acs/${event.topic}`, type: event.type, subject: event.key, time: event.time, datacontenttype: 'application/json', data: event.data };
    return JSON.parse(JSON.stringify(cloudEvent)) as AcsCloudEvent<unknown>;
  }

  it('has a schema for every public topic and none for the internal ones', () => {
    const published = readdirSync(SCHEMAS_DIR).filter((file) => file.endsWith('.schema.json'));
    expect(published).toEqual(expect.arrayContaining(PUBLIC_TOPICS.map(schemaFileOf)));
    // Later versions (acs-device.v2.schema.json, docs/events.md) sit beside v1; every file is of a public topic.
    const topics = new Set(published.map((file) => file.replace(/\.v\d+\.schema\.json$/, '').replace('-', '.')));
    expect([...topics].sort()).toEqual([...PUBLIC_TOPICS].sort());
  });

  it.each(PUBLIC_TOPICS)('names in the %s schema exactly the types the catalog lists for the topic', (topic) => {
    const schema = loadSchema(schemaFileOf(topic));
    expect((schema.properties as { type: { enum: string[] } }).type.enum).toEqual(Object.values(TopicEventTypes[topic]));
  });

  it.each(Object.keys(samples) as Array<keyof typeof samples>)('accepts a %s event built by newEvent', (type) => {
    const event = newEvent(type, deviceId, samples[type]);
    const validate = validators.get(event.topic as PublicTopic)!;
    expect(validate(asCloudEvent(event)) ? '' : ajv.errorsText(validate.errors)).toBe('');
  });
});
