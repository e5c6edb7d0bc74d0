import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { status, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { errorDetailsOf, failureOf } from '@acs/platform';

import { freePort, startApp, type RunningApp } from '../support/processes';
import {
  acsV1ServiceDefinitions,
  call,
  collect,
  eventually,
  healthStatus,
  NbiChannel,
  ReflectionClient,
  type AcsV1Clients,
} from './support/nbi-client';
import { writeTestClients, type TestClients } from './support/nbi-clients-file';
import { inertPreset, RPC_TABLE, type Fixtures } from './support/rpc-table';

const { TaskStatus } = acsV1;

/** Requests larger than this are refused (ACS_NBI_MAX_MESSAGE_BYTES; answers up to 1000 audit records fit). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Watches one client may hold open (ACS_NBI_MAX_STREAMS_PER_CLIENT); no other case holds more than two at once. */
const MAX_STREAMS = 3;
/** The proto's page limit (values.proto: more than 1000 is treated as 1000). */
const MAX_PAGE_SIZE = 1000;
/** Presets loaded from a file at start, more than one page can hold. */
const FILE_PRESETS = MAX_PAGE_SIZE + 1;

let serial = 0;
function nextSerial(prefix: string): string {
  return `${prefix}${Date.now().toString(36).toUpperCase()}${serial++}`;
}

function codeName(error: ServiceError): string {
  return status[error.code] ?? String(error.code);
}

/**
 * The public gRPC API acs.v1 against the one-process product: every RPC's success, refusals (no credentials, no
 * role — audited), validation with google.rpc.BadRequest details, reflection, deadlines, page and message size
 * limits, per-client rate limits.
 */
describe('public API acs.v1 (standalone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-e2e-'));
  let acs: RunningApp;
  let channel: NbiChannel;
  let clients: TestClients;
  let api: AcsV1Clients;
  const cpes: SimulatedCpe[] = [];
  /** A started CPE with a connection-request listener: tasks for it complete. */
  let awake: SimulatedCpe;
  /** A CPE that registered and then went away: tasks for it stay pending (or fault when it is woken). */
  let asleep: SimulatedCpe;

  beforeAll(async () => {
    clients = writeTestClients(dir);
    mkdirSync(join(dir, 'presets'));
    // Disabled, so that no session evaluates them; they only make ListPresets longer than one page.
    const filePresets = Array.from({ length: FILE_PRESETS }, (_, i) => `- name: e2e-file-${String(i).padStart(4, '0')}\n  enabled: false\n  triggers: [1 BOOT]\n  actions: [{ addTags: [never] }]\n`);
    writeFileSync(join(dir, 'presets', 'many.yaml'), filePresets.join(''));
    acs = await startApp('standalone', {
      ACS_NBI_CLIENTS_FILE: clients.file,
      ACS_NBI_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
      ACS_NBI_MAX_STREAMS_PER_CLIENT: String(MAX_STREAMS),
      ACS_PRESETS_DIR: join(dir, 'presets'),
      ACS_CONNECTION_REQUEST_TIMEOUT_MS: '1500',
      // Tasks here wake the same device a few times in a row; the default 5 s between its wake-ups would only add waits.
      ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '0',
      ACS_TASK_RETRY_BASE_MS: '300',
      // The matrix sends two unauthenticated calls per method from this one address on purpose; the per-peer limit
      // on them (unauthenticated-peer.spec.ts) would answer RESOURCE_EXHAUSTED from the twentieth on.
      ACS_NBI_UNAUTHENTICATED_BURST: '100000',
    });
    channel = new NbiChannel(acs.nbiAddress);
    api = channel.clients(clients.admin);
    awake = await device();
    asleep = await device();
    await asleep.stop();
  }, 60_000);

  afterAll(async () => {
    for (const cpe of cpes) await cpe.stop();
    channel?.close();
    await acs?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  /** A started CPE whose bootstrap session is done. */
  async function device(serialNumber = nextSerial('N')): Promise<SimulatedCpe> {
    const cpe = new SimulatedCpe({
      acsUrl: acs.cwmpUrl,
      model: DataModel.builtin('tr181'),
      oui: 'E2E0A1',
      productClass: 'NbiRouter',
      serialNumber,
      periodicInformInterval: 3600,
      connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
    });
    cpes.push(cpe);
    await cpe.start();
    await cpe.idle();
    expect(cpe.sessions[0]?.error).toBeUndefined();
    return cpe;
  }

  /** Plausible names for the refusal cases: the calls are refused before anything is looked up. */
  const refusalFixtures: Fixtures = { deviceId: 'E2E0A1-NbiRouter-REFUSED', taskId: 'task-refused', presetName: 'e2e-refused' };

  describe('the RPC table', () => {
    it('covers every method of every acs.v1 service definition', () => {
      const services = acsV1ServiceDefinitions();
      expect([...services.keys()].sort()).toEqual([
        'AuditService',
        'CampaignService',
        'DeviceService',
        'DiagnosticsService',
        'EventService',
        'FaultService',
        'FileService',
        'GroupService',
        'JobService',
        'MonitoringService',
        'PresetService',
        'TaskService',
      ]);
      const served = [...services.values()].flatMap((methods) => Object.values(methods).map((m) => m.path)).sort();
      expect(RPC_TABLE.map((row) => row.method.path).sort()).toEqual(served);
    });
  });

  describe.each(RPC_TABLE.map((row) => [row.method.path, row] as const))('%s', (path, row) => {
    it('refuses a call without credentials: UNAUTHENTICATED', async () => {
      const error = await failureOf(channel.first(row.method, row.valid(refusalFixtures)));
      expect(codeName(error)).toBe('UNAUTHENTICATED');
    });

    it('refuses an unknown token: UNAUTHENTICATED', async () => {
      const error = await failureOf(channel.first(row.method, row.valid(refusalFixtures), { token: 'acs_not-a-registered-token' }));
      expect(codeName(error)).toBe('UNAUTHENTICATED');
    });

    it(`refuses a client without ${row.action} on ${row.resourceType}: PERMISSION_DENIED, audited`, async () => {
      const error = await failureOf(channel.first(row.method, row.valid(refusalFixtures), { token: clients.nobody }));
      expect(codeName(error)).toBe('PERMISSION_DENIED');
      // Audit entries are written once the call has ended: look until it shows.
      const records = await eventually(
        () => call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({ client: 'nobody', outcome: 'PERMISSION_DENIED', pageSize: 200 })),
        (response) => response.records.some((record) => record.method === path),
        5000,
      );
      expect(records.records.find((record) => record.method === path)).toMatchObject({
        client: 'nobody',
        authentication: 'token',
        method: path,
        resourceType: row.resourceType,
        action: row.action,
        target: row.target(refusalFixtures),
        outcome: 'PERMISSION_DENIED',
      });
    });

    // A method whose request has no field that can be wrong (ListGroups) has no such case.
    const invalid = row.invalid;
    if (invalid) {
      it(`answers an invalid request with INVALID_ARGUMENT and a BadRequest violation on ${row.invalidField}`, async () => {
        const error = await failureOf(channel.first(row.method, invalid(refusalFixtures), { token: clients.admin }));
        expect({ code: codeName(error), details: error.details }).toMatchObject({ code: 'INVALID_ARGUMENT' });
        const violations = errorDetailsOf(error).badRequest?.fieldViolations ?? [];
        expect(violations.map((violation) => violation.field)).toContainEqual(expect.stringContaining(row.invalidField!));
        expect(violations.every((violation) => violation.description !== '')).toBe(true);
      });
    }
  });

  describe('successes', () => {
    const presetName = `e2e-nbi-${Date.now().toString(36)}`;
    /** A task created and finished on the awake device. */
    let doneTask: acsV1.Task;

    it('DeviceService.ListDevices lists the registered devices', async () => {
      const response = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ filter: 'productClass = "NbiRouter"', pageSize: 100 }));
      expect(response.devices.map((d) => d.id)).toEqual(expect.arrayContaining([awake.deviceId, asleep.deviceId]));
      expect(Number(response.totalSize)).toBeGreaterThanOrEqual(2);
    });

    it('DeviceService.GetDevice returns the device as it informed', async () => {
      const { device } = await call(api.devices.getDevice.bind(api.devices), acsV1.GetDeviceRequest.fromPartial({ deviceId: awake.deviceId }));
      expect(device).toMatchObject({ id: awake.deviceId, oui: 'E2E0A1', productClass: 'NbiRouter', rootObject: acsV1.RootObject.ROOT_OBJECT_DEVICE });
      expect(device?.lastInformTime).toBeInstanceOf(Date);
    });

    it('TaskService.CreateTask runs a task on a device woken by a connection request and answers it DONE', async () => {
      const response = await call(
        api.tasks.createTask.bind(api.tasks),
        acsV1.CreateTaskRequest.fromPartial({
          deviceId: awake.deviceId,
          spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } } },
          connectionRequest: true,
          waitTimeoutMs: 20_000,
        }),
        30_000,
      );
      expect(response.finished).toBe(true);
      expect(response.task?.status).toBe(TaskStatus.TASK_STATUS_DONE);
      expect(JSON.stringify(response.task?.result)).toContain('Device.DeviceInfo.SoftwareVersion');
      doneTask = response.task!;
      await awake.idle();
    }, 40_000);

    it('DeviceService.GetDeviceParameters returns the values the ACS has read', async () => {
      const response = await call(
        api.devices.getDeviceParameters.bind(api.devices),
        acsV1.GetDeviceParametersRequest.fromPartial({ deviceId: awake.deviceId, path: 'Device.DeviceInfo.' }),
      );
      const software = response.parameters.find((p) => p.path === 'Device.DeviceInfo.SoftwareVersion');
      expect(software?.value).toBe(awake.model.value('Device.DeviceInfo.SoftwareVersion'));
      expect(response.parameters.every((p) => p.path.startsWith('Device.DeviceInfo'))).toBe(true);
    });

    it('DeviceService.TagDevice and UntagDevice change the tags and answer them', async () => {
      const tagged = await call(api.devices.tagDevice.bind(api.devices), acsV1.TagDeviceRequest.fromPartial({ deviceId: awake.deviceId, tags: ['e2e-a', 'e2e-b'] }));
      expect(tagged.tags).toEqual(expect.arrayContaining(['e2e-a', 'e2e-b']));
      const untagged = await call(api.devices.untagDevice.bind(api.devices), acsV1.UntagDeviceRequest.fromPartial({ deviceId: awake.deviceId, tags: ['e2e-a'] }));
      expect(untagged.tags).toContain('e2e-b');
      expect(untagged.tags).not.toContain('e2e-a');
    });

    it('TaskService.GetTask and ListTasks return the task', async () => {
      const { task } = await call(api.tasks.getTask.bind(api.tasks), acsV1.GetTaskRequest.fromPartial({ taskId: doneTask.id }));
      expect(task).toMatchObject({ id: doneTask.id, deviceId: awake.deviceId, status: TaskStatus.TASK_STATUS_DONE, source: 'api:admin' });
      const listed = await call(
        api.tasks.listTasks.bind(api.tasks),
        acsV1.ListTasksRequest.fromPartial({ deviceId: awake.deviceId, statuses: [TaskStatus.TASK_STATUS_DONE], pageSize: 10 }),
      );
      expect(listed.tasks.map((t) => t.id)).toContain(doneTask.id);
    });

    it('TaskService.WatchTask streams a task created with a connection request until DONE', async () => {
      const { task } = await call(
        api.tasks.createTask.bind(api.tasks),
        acsV1.CreateTaskRequest.fromPartial({
          deviceId: awake.deviceId,
          spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.ManagementServer.PeriodicInformInterval'] } } },
          connectionRequest: true,
        }),
      );
      expect(task?.status).not.toBe(TaskStatus.TASK_STATUS_FAULTED);
      const updates = await collect(
        api.tasks.watchTask(acsV1.WatchTaskRequest.fromPartial({ taskId: task!.id }), { deadline: Date.now() + 20_000 }),
        (update) => update.task?.status === TaskStatus.TASK_STATUS_DONE,
        20_000,
      );
      expect(updates[0].task?.id).toBe(task!.id);
      expect(updates[updates.length - 1].task?.status).toBe(TaskStatus.TASK_STATUS_DONE);
      const revisions = updates.map((u) => Number(u.task?.revision));
      expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
      await awake.idle();
    }, 30_000);

    it('TaskService.CancelTask cancels a pending task', async () => {
      const { task } = await call(
        api.tasks.createTask.bind(api.tasks),
        acsV1.CreateTaskRequest.fromPartial({ deviceId: asleep.deviceId, spec: { kind: { $case: 'reboot', reboot: {} } } }),
      );
      // Not final: waiting for a session, its work already in the device's queue (DISPATCHED) or not yet (PENDING).
      expect([TaskStatus.TASK_STATUS_PENDING, TaskStatus.TASK_STATUS_DISPATCHED]).toContain(task?.status);
      const cancelled = await call(api.tasks.cancelTask.bind(api.tasks), acsV1.CancelTaskRequest.fromPartial({ taskId: task!.id }));
      expect(cancelled.task?.status).toBe(TaskStatus.TASK_STATUS_CANCELLED);
    });

    it('a task the device never answers: faulted and listed by FaultService.ListFaults, TaskService.RetryTask, FaultService.ClearFault', async () => {
      const created = await call(
        api.tasks.createTask.bind(api.tasks),
        acsV1.CreateTaskRequest.fromPartial({
          deviceId: asleep.deviceId,
          spec: { kind: { $case: 'reboot', reboot: {} } },
          connectionRequest: true,
          maxAttempts: 1,
          waitTimeoutMs: 15_000,
        }),
        20_000,
      );
      expect(created.task?.status).toBe(TaskStatus.TASK_STATUS_FAULTED);
      expect(created.task?.fault?.code).toMatch(/^cr-/);

      const faults = await call(api.faults.listFaults.bind(api.faults), acsV1.ListFaultsRequest.fromPartial({ deviceId: asleep.deviceId, pageSize: 10 }));
      expect(faults.faults).toContainEqual(expect.objectContaining({ deviceId: asleep.deviceId, channel: 'default', code: created.task!.fault!.code }));

      const retried = await call(api.tasks.retryTask.bind(api.tasks), acsV1.RetryTaskRequest.fromPartial({ taskId: created.task!.id }));
      expect([TaskStatus.TASK_STATUS_PENDING, TaskStatus.TASK_STATUS_DISPATCHED]).toContain(retried.task?.status);

      await call(api.faults.clearFault.bind(api.faults), acsV1.ClearFaultRequest.fromPartial({ deviceId: asleep.deviceId, channel: 'default' }));
      const after = await call(api.faults.listFaults.bind(api.faults), acsV1.ListFaultsRequest.fromPartial({ deviceId: asleep.deviceId, pageSize: 10 }));
      expect(after.faults.filter((f) => f.channel === 'default')).toEqual([]);
    }, 30_000);

    it('PresetService: Validate, Create, Get, List, Update, Delete', async () => {
      const p = api.presets;
      const validated = await call(p.validatePreset.bind(p), acsV1.ValidatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(presetName) } }));
      expect(validated.preset).toMatchObject({ name: presetName, channel: 'default', enabled: true });
      await expect(call(p.getPreset.bind(p), acsV1.GetPresetRequest.fromPartial({ name: presetName }))).rejects.toMatchObject({ code: status.NOT_FOUND });

      const created = await call(p.createPreset.bind(p), acsV1.CreatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(presetName) } }));
      expect(created.preset).toMatchObject({ name: presetName, weight: 0 });
      const again = await failureOf(call(p.createPreset.bind(p), acsV1.CreatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(presetName) } })));
      expect(codeName(again)).toBe('ALREADY_EXISTS');

      const got = await call(p.getPreset.bind(p), acsV1.GetPresetRequest.fromPartial({ name: presetName }));
      expect(got.preset?.precondition).toBe('productClass = "NoSuchProductClass"');
      const updated = await call(p.updatePreset.bind(p), acsV1.UpdatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset(presetName, 7) } }));
      expect(updated.preset?.weight).toBe(7);

      const names = await allPresetNames();
      expect(names).toContain(presetName);

      await call(p.deletePreset.bind(p), acsV1.DeletePresetRequest.fromPartial({ name: presetName }));
      const gone = await failureOf(call(p.getPreset.bind(p), acsV1.GetPresetRequest.fromPartial({ name: presetName })));
      expect(codeName(gone)).toBe('NOT_FOUND');
    });

    /** Every preset name, following next_page_token. */
    async function allPresetNames(): Promise<string[]> {
      const names: string[] = [];
      let pageToken = '';
      do {
        const page = await call(api.presets.listPresets.bind(api.presets), acsV1.ListPresetsRequest.fromPartial({ pageSize: MAX_PAGE_SIZE, pageToken }));
        names.push(...page.presets.map((preset) => preset.name));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return names;
    }

    it('EventService.WatchEvents streams acs.device.registered when a new device informs', async () => {
      // `since` now: the stream sends nothing before the first event, so there is no telling when the server has
      // registered the watch; whatever is published from now on reaches it, live or replayed.
      const stream = api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types: ['acs.device.'], since: new Date() }), { deadline: Date.now() + 20_000 });
      // The device id is known before the device exists: its event may arrive before its first session ends.
      const serialNumber = nextSerial('W');
      const expectedId = `E2E0A1-NbiRouter-${serialNumber}`;
      const registered = collect(stream, (message) => message.event?.type === 'acs.device.registered' && message.event.subject === expectedId, 20_000);
      const newcomer = await device(serialNumber);
      expect(newcomer.deviceId).toBe(expectedId);
      const events = await registered;
      const event = events[events.length - 1].event!;
      expect(event).toMatchObject({ type: 'acs.device.registered', subject: newcomer.deviceId, topic: 'acs.device' });
      expect(event.id).not.toBe('');
      expect(events.every((m) => m.event?.type.startsWith('acs.device.'))).toBe(true);
    }, 30_000);

    it('EventService.WatchEvents with since replays what the server holds from then, and refuses a since it cannot vouch for', async () => {
      const since = new Date();
      const newcomer = await device(nextSerial('R'));
      // The registration was published while no one watched: a watch opened afterwards with since gets it at once.
      const registered = await eventually(
        async () => {
          const stream = api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types: ['acs.device.registered'], deviceIds: [newcomer.deviceId], since }), {
            deadline: Date.now() + 2000,
          });
          return collect(stream, () => true, 1500).catch(() => []);
        },
        (events) => events.length > 0,
        10_000,
      );
      expect(registered[0].event).toMatchObject({ type: 'acs.device.registered', subject: newcomer.deviceId });
      expect(registered[0].event!.time!.getTime()).toBeGreaterThanOrEqual(since.getTime());

      // An hour ago is before this server started: it cannot say it holds everything since then.
      const stream = api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ since: new Date(Date.now() - 3_600_000) }), { deadline: Date.now() + 5000 });
      const refused = await failureOf(collect(stream, () => true, 5000));
      expect(codeName(refused)).toBe('OUT_OF_RANGE');
      expect(refused.details).toMatch(/^events before \S+ are not held by this server/);
      expect(errorDetailsOf(refused).errorInfo).toMatchObject({ reason: 'REPLAY_OUT_OF_RANGE', metadata: { heldSince: expect.any(String) } });
    }, 30_000);

    it('DeviceService.DeleteDevice forgets a device', async () => {
      const doomed = await device();
      await doomed.stop();
      await call(api.devices.deleteDevice.bind(api.devices), acsV1.DeleteDeviceRequest.fromPartial({ deviceId: doomed.deviceId }));
      const error = await failureOf(call(api.devices.getDevice.bind(api.devices), acsV1.GetDeviceRequest.fromPartial({ deviceId: doomed.deviceId })));
      expect(codeName(error)).toBe('NOT_FOUND');
      expect(errorDetailsOf(error).resourceInfo).toMatchObject({ resourceName: doomed.deviceId });
    }, 20_000);

    it('AuditService.ListAuditRecords shows the mutating calls of the admin client', async () => {
      const response = await eventually(
        () => call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({ client: 'admin', outcome: 'OK', pageSize: 200 })),
        (r) => r.records.some((record) => record.method === '/acs.v1.PresetService/DeletePreset' && record.target === presetName),
        5000,
      );
      expect(response.records.find((record) => record.method === '/acs.v1.TaskService/CreateTask' && record.target === awake.deviceId)).toMatchObject({
        client: 'admin',
        authentication: 'token',
        // The label of admin's token in the clients file.
        credential: 'e2e',
        resourceType: 'tasks',
        action: 'add',
        outcome: 'OK',
      });
      const times = response.records.map((record) => record.time!.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      // Reads are not audited.
      expect(response.records.some((record) => record.method === '/acs.v1.DeviceService/GetDevice')).toBe(false);

      // A time range: [start_time, end_time) around the newest record holds it alone; a reversed range is refused.
      const newest = response.records[0].time!;
      const ranged = await call(
        api.audit.listAuditRecords.bind(api.audit),
        acsV1.ListAuditRecordsRequest.fromPartial({ client: 'admin', outcome: 'OK', startTime: newest, endTime: new Date(newest.getTime() + 1) }),
      );
      expect(ranged.records.map((record) => record.id)).toEqual(response.records.filter((record) => record.time!.getTime() === newest.getTime()).map((record) => record.id));
      const reversed = await failureOf(
        call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({ startTime: newest, endTime: newest })),
      );
      expect(codeName(reversed)).toBe('INVALID_ARGUMENT');
      expect(errorDetailsOf(reversed).badRequest?.fieldViolations[0]?.field).toBe('end_time');
    });
  });

  describe('reflection and health (no credentials needed)', () => {
    it('lists the six acs.v1 services and grpc.health.v1.Health, and describes acs.v1.TaskService', async () => {
      const reflection = new ReflectionClient(acs.nbiAddress);
      try {
        const services = await reflection.listServices();
        expect(services).toEqual(
          expect.arrayContaining([
            'acs.v1.AuditService',
            'acs.v1.DeviceService',
            'acs.v1.EventService',
            'acs.v1.FaultService',
            'acs.v1.PresetService',
            'acs.v1.TaskService',
            'grpc.health.v1.Health',
          ]),
        );
        const files = await reflection.fileContainingSymbol('acs.v1.TaskService');
        expect(files).toContainEqual({ name: 'acs/v1/tasks.proto', package: 'acs.v1', services: ['TaskService'] });
      } finally {
        reflection.close();
      }
    });

    it('reports SERVING for the server and each acs.v1 service', async () => {
      expect(await healthStatus(acs.nbiAddress, '')).toBe('SERVING');
      expect(await healthStatus(acs.nbiAddress, 'acs.v1.DeviceService')).toBe('SERVING');
      expect(await healthStatus(acs.nbiAddress, 'acs.v1.AuditService')).toBe('SERVING');
    });
  });

  describe('limits', () => {
    it('bounds a CreateTask wait by the call deadline: a 60 s wait with a 1 s deadline answers just before it', async () => {
      const started = Date.now();
      const response = await call(
        api.tasks.createTask.bind(api.tasks),
        acsV1.CreateTaskRequest.fromPartial({ deviceId: asleep.deviceId, spec: { kind: { $case: 'reboot', reboot: {} } }, waitTimeoutMs: 60_000 }),
        1000,
      );
      const elapsed = Date.now() - started;
      // The documented behaviour (tasks.proto): the wait ends at the deadline, and the client gets the task as it
      // stands (finished=false) rather than a DEADLINE_EXCEEDED that would hide the id of the task it created.
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(1000);
      expect(response.finished).toBe(false);
      expect([TaskStatus.TASK_STATUS_PENDING, TaskStatus.TASK_STATUS_DISPATCHED]).toContain(response.task?.status);
    });

    it('cuts page_size 5000 to 1000 (ListPresets, with more than 1000 presets)', async () => {
      const page = await call(api.presets.listPresets.bind(api.presets), acsV1.ListPresetsRequest.fromPartial({ pageSize: 5000 }));
      expect(page.presets).toHaveLength(MAX_PAGE_SIZE);
      expect(page.nextPageToken).not.toBe('');
      const rest = await call(api.presets.listPresets.bind(api.presets), acsV1.ListPresetsRequest.fromPartial({ pageSize: 5000, pageToken: page.nextPageToken }));
      expect(rest.presets.length).toBeGreaterThanOrEqual(FILE_PRESETS - MAX_PAGE_SIZE);
      expect(new Set([...page.presets, ...rest.presets].map((p) => p.name)).size).toBe(page.presets.length + rest.presets.length);
    });

    it('cuts page_size 5000 to at most 1000 on the other listings', async () => {
      const devices = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 5000 }));
      expect(devices.devices.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
      const tasks = await call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ pageSize: 5000 }));
      expect(tasks.tasks.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
      const faults = await call(api.faults.listFaults.bind(api.faults), acsV1.ListFaultsRequest.fromPartial({ pageSize: 5000 }));
      expect(faults.faults.length).toBeLessThanOrEqual(MAX_PAGE_SIZE);
    });

    it('cuts ListAuditRecords page_size 5000 to 1000 (with more than 1000 records)', async () => {
      // Refused calls are audited: a client without rights makes more than a page of them, a few at a time.
      const refusals = MAX_PAGE_SIZE + 50;
      const request = acsV1.DeletePresetRequest.fromPartial({ name: 'e2e-flood' });
      for (let sent = 0; sent < refusals; sent += 50) {
        const batch = Array.from({ length: 50 }, () => failureOf(channel.unary(acsV1.PresetServiceService.deletePreset, request, { token: clients.intruder })));
        for (const error of await Promise.all(batch)) expect(codeName(error)).toBe('PERMISSION_DENIED');
      }
      const query = acsV1.ListAuditRecordsRequest.fromPartial({ client: 'intruder', pageSize: 5000 });
      // Entries are written after each call ends: read the pages until every refusal is there.
      const pages = await eventually(
        async () => {
          const first = await call(api.audit.listAuditRecords.bind(api.audit), query);
          if (first.nextPageToken === '') return [first];
          return [first, await call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({ ...query, pageToken: first.nextPageToken }))];
        },
        (both) => both.reduce((sum, page) => sum + page.records.length, 0) >= refusals,
        10_000,
      );
      expect(pages.map((page) => page.records.length)).toEqual([MAX_PAGE_SIZE, refusals - MAX_PAGE_SIZE]);
      expect(pages[1].nextPageToken).toBe('');
      expect(new Set(pages.flatMap((page) => page.records.map((record) => record.id))).size).toBe(refusals);
    }, 30_000);

    it(`refuses a request over ACS_NBI_MAX_MESSAGE_BYTES (${MAX_MESSAGE_BYTES}): RESOURCE_EXHAUSTED`, async () => {
      const yaml = `# ${'x'.repeat(MAX_MESSAGE_BYTES + 1024)}\nname: too-big\ntriggers: [1 BOOT]\nactions: [{ addTags: [big] }]\n`;
      const error = await failureOf(
        call(api.presets.validatePreset.bind(api.presets), acsV1.ValidatePresetRequest.fromPartial({ source: { $case: 'yaml', yaml } })),
      );
      expect(codeName(error)).toBe('RESOURCE_EXHAUSTED');
      // The server is still there for requests within the limit.
      const small = await call(api.presets.validatePreset.bind(api.presets), acsV1.ValidatePresetRequest.fromPartial({ source: { $case: 'preset', preset: inertPreset('small') } }));
      expect(small.preset?.name).toBe('small');
    });

    it(`holds a client to ${MAX_STREAMS} open watches: the next is RESOURCE_EXHAUSTED (ErrorInfo STREAM_LIMIT) until one closes`, async () => {
      const watcher = channel.clients(clients.watcher);
      // Each watch replays a device event published after `since`: its first message says the server holds it open
      // (a watch otherwise sends nothing until an event, and no wait can tell an open watch from a slow refusal).
      const since = new Date();
      await awake.runSession(['1 BOOT']);
      const open = (client: AcsV1Clients = watcher) => {
        const stream = client.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types: ['acs.device.'], since }), { deadline: Date.now() + 20_000 });
        const outcome = new Promise<ServiceError | undefined>((resolve) => {
          stream.once('data', () => resolve(undefined));
          stream.on('error', (error: ServiceError) => resolve(error));
        });
        return { stream, outcome };
      };
      const held = Array.from({ length: MAX_STREAMS }, () => open());
      expect(await Promise.all(held.map((watch) => watch.outcome))).toEqual(held.map(() => undefined));
      const refused = await open().outcome;
      expect(refused && codeName(refused)).toBe('RESOURCE_EXHAUSTED');
      expect(errorDetailsOf(refused!).errorInfo).toMatchObject({ reason: 'STREAM_LIMIT', metadata: { client: 'watcher', limit: String(MAX_STREAMS) } });
      // Another client is not affected, and a closed watch frees its place (once the server has seen it close).
      const other = open(api);
      expect(await other.outcome).toBeUndefined();
      held[0].stream.cancel();
      let again = open();
      const outcome = await eventually(
        async () => {
          const error = await again.outcome;
          if (error && codeName(error) === 'RESOURCE_EXHAUSTED') again = open();
          return error && codeName(error);
        },
        (code) => code !== 'RESOURCE_EXHAUSTED',
        10_000,
      );
      expect(outcome).toBeUndefined();
      for (const stream of [...held.slice(1).map((w) => w.stream), again.stream, other.stream]) stream.cancel();
    }, 30_000);

    it('rate-limits per client: a 1/s, burst 2 client gets RESOURCE_EXHAUSTED on its 3rd quick call; others are unaffected', async () => {
      const request = acsV1.ListPresetsRequest.fromPartial({ pageSize: 1 });
      const outcomes = await Promise.all(
        [1, 2, 3].map(() =>
          channel.unary(acsV1.PresetServiceService.listPresets, request, { token: clients.limited }).then(
            () => 'OK',
            (error: ServiceError) => ({ code: codeName(error), retryDelay: errorDetailsOf(error).retryInfo?.retryDelay }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o === 'OK')).toHaveLength(2);
      const refused = outcomes.find((o) => o !== 'OK');
      expect(refused).toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
      expect(refused).toHaveProperty('retryDelay');
      // Another client's bucket is its own.
      const other = await channel.unary(acsV1.PresetServiceService.listPresets, request, { token: clients.admin });
      expect(other.presets).toHaveLength(1);
      const denied = await failureOf(channel.unary(acsV1.PresetServiceService.listPresets, request, { token: clients.nobody }));
      expect(codeName(denied)).toBe('PERMISSION_DENIED');
    });
  });
});
