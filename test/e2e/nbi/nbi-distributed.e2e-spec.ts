import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';
import { errorDetailsOf, failureOf } from '@acs/platform';

import { freePort, sharedInfrastructureEnv, type RunningApp } from '../support/processes';
import { call, collect, eventually, type AcsV1Clients } from './support/nbi-client';
import { startNbiPods, type NbiPods } from './support/nbi-pods';

const { TaskStatus } = acsV1;

/**
 * The production path of the public API: an nbi pod relaying to a provisioning pod, live events from real Kafka,
 * the audit log in FerretDB, a gateway pod serving a simulated CPE (all on the shared servers of
 * `npm run infra:test`, under names of their own).
 */
describe('public API on the distributed ACS (nbi + provisioning + gateway pods)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-distributed-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  const cpes: SimulatedCpe[] = [];
  let pods: NbiPods;
  let gateway: RunningApp;
  let api: AcsV1Clients;

  beforeAll(async () => {
    pods = await startNbiPods(dir, { pods: shared, gateway: { ACS_PLAN_WAIT_MS: '3000', ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '0' } });
    ({ gateway, api } = pods);
  }, 120_000);

  afterAll(async () => {
    for (const cpe of cpes) await cpe.stop();
    await pods?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('streams new devices\' registrations from Kafka, runs a task on one and audits the call in MongoDB', async () => {
    // Several devices, so their keys spread over every partition of acs.device: a pod reading only some partitions
    // (a consumer group shared across topics did) misses some of them.
    const serials = Array.from({ length: 8 }, (_, i) => `D${run.toUpperCase()}${i}`);
    const ids = serials.map((serial) => `E2E0A2-NbiPodRouter-${serial}`);
    // WatchEvents is a live view: open it before the devices exist. The pod's consumer groups joined at start.
    // `since` now, because nothing tells when the pod has registered the watch: what comes before that is replayed.
    const stream = api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types: ['acs.device.registered'], deviceIds: ids, since: new Date() }), {
      deadline: Date.now() + 60_000,
    });
    const seen = new Set<string>();
    const registered = collect(stream, (message) => (seen.add(message.event!.subject), seen.size === ids.length), 60_000);

    for (const serialNumber of serials) {
      const cpe = new SimulatedCpe({
        acsUrl: gateway.cwmpUrl,
        model: DataModel.builtin('tr181'),
        oui: 'E2E0A2',
        productClass: 'NbiPodRouter',
        serialNumber,
        periodicInformInterval: 3600,
        connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
      });
      cpes.push(cpe);
      await cpe.start();
    }
    for (const started of cpes) await started.idle();
    const events = await registered;
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(events.every((m) => m.event?.type === 'acs.device.registered' && m.event.topic === 'acs.device')).toBe(true);
    stream.cancel();
    const cpe = cpes[0];
    const deviceId = ids[0];

    // Provisioning learns the device from Kafka too; the task waits until it knows it.
    const created = await call(
      api.tasks.createTask.bind(api.tasks),
      acsV1.CreateTaskRequest.fromPartial({
        deviceId,
        spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } } },
        connectionRequest: true,
        waitTimeoutMs: 30_000,
      }),
      40_000,
    );
    expect(created.finished).toBe(true);
    expect(created.task).toMatchObject({ status: TaskStatus.TASK_STATUS_DONE, source: 'api:admin' });
    const { parameters } = await call(
      api.devices.getDeviceParameters.bind(api.devices),
      acsV1.GetDeviceParametersRequest.fromPartial({ deviceId, path: 'Device.DeviceInfo.SoftwareVersion' }),
    );
    expect(parameters[0]?.value).toBe(cpe.model.value('Device.DeviceInfo.SoftwareVersion'));

    // The entry is written as the call ends, beside the answer: look until it is there.
    const { records } = await eventually(
      () => call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({ client: 'admin', resourceType: 'tasks' })),
      (page) => page.records.length > 0,
      5_000,
    );
    expect(records[0]).toMatchObject({ client: 'admin', authentication: 'token', method: '/acs.v1.TaskService/CreateTask', action: 'add', target: deviceId, outcome: 'OK' });
  }, 120_000);

  it('relays the provisioning pod\'s errors with their google.rpc details over the network', async () => {
    const invalid = await failureOf(call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ filter: 'productClass = ' })));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailsOf(invalid).badRequest?.fieldViolations[0]?.field).toBe('filter');
    const missing = await failureOf(call(api.tasks.getTask.bind(api.tasks), acsV1.GetTaskRequest.fromPartial({ taskId: 'no-such-task' })));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(errorDetailsOf(missing).resourceInfo).toMatchObject({ resourceType: 'task', resourceName: 'no-such-task' });
    const unknownPreset = await failureOf(
      call(api.presets.deletePreset.bind(api.presets), acsV1.DeletePresetRequest.fromPartial({ name: 'no-such-preset' })),
    );
    expect(unknownPreset.code).toBe(status.NOT_FOUND);
    expect(errorDetailsOf(unknownPreset).resourceInfo?.resourceName).toBe('no-such-preset');
  });
});
