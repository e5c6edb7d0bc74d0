import { Metadata, status } from '@grpc/grpc-js';
import type { ProvisioningClient } from '@acs/clients';
import { acsV1, TASK_SOURCE_METADATA_KEY } from '@acs/contracts';
import { ConflictError, NotFoundError } from '@acs/platform';

import { DIAGNOSTICS_COMPLETE, ProvisioningDiagnosticsDevices, ProvisioningDiagnosticsTasks } from './provisioning-diagnostics';

type Tasks = ProvisioningClient['tasks'];

/** Provisioning's TaskService as the adapter calls it: what it was asked, and answers the spec sets. */
class RecordingTaskService {
  readonly created: Array<{ request: acsV1.CreateTaskRequest; source: unknown }> = [];
  readonly cancelled: string[] = [];
  cancelRefusal: number | null = null;
  resultPages: acsV1.GetTaskResultResponse[] = [];

  readonly client = {
    createTask: async (request: acsV1.CreateTaskRequest, options?: { metadata?: Metadata }) => {
      this.created.push({ request, source: options?.metadata?.get(TASK_SOURCE_METADATA_KEY)[0] });
      return { task: { id: `task-${this.created.length}` } as acsV1.Task, finished: false };
    },
    cancelTask: async ({ taskId }: acsV1.CancelTaskRequest) => {
      if (this.cancelRefusal !== null) throw { code: this.cancelRefusal, details: 'refused', metadata: new Metadata() };
      this.cancelled.push(taskId);
      return {};
    },
    getTaskResult: async ({ pageToken }: acsV1.GetTaskResultRequest) => this.resultPages[pageToken === '' ? 0 : Number(pageToken)]!,
  } as unknown as Tasks;
}

describe('ProvisioningDiagnosticsTasks', () => {
  it('creates the read awaiting 8 DIAGNOSTICS COMPLETE without a connection request, and the set with one, under the run source', async () => {
    const service = new RecordingTaskService();
    const tasks = new ProvisioningDiagnosticsTasks({ tasks: service.client });
    expect(await tasks.createRead({ runId: 'r-1', deviceId: 'dev-1', objectPath: 'Device.IP.Diagnostics.IPPing.', expiresAt: 60_000 })).toEqual({ taskId: 'task-1' });
    await tasks.createSet({ runId: 'r-1', deviceId: 'dev-1', values: [{ path: 'Device.IP.Diagnostics.IPPing.NumberOfRepetitions', value: 3, type: 'unsignedInt' }], expiresAt: 60_000 });
    const [read, set] = service.created;
    expect(read).toMatchObject({
      source: 'diagnostics:run:r-1',
      request: { deviceId: 'dev-1', connectionRequest: false, awaitEventCode: DIAGNOSTICS_COMPLETE, maxAttempts: 1, expireTime: new Date(60_000), spec: { kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.IP.Diagnostics.IPPing.'] } } } },
    });
    expect(set).toMatchObject({
      source: 'diagnostics:run:r-1',
      request: { connectionRequest: true, awaitEventCode: '', spec: { kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: 'Device.IP.Diagnostics.IPPing.NumberOfRepetitions', value: '3', type: 'xsd:unsignedInt' }] } } } },
    });
  });

  it('reads every page of a large result', async () => {
    const service = new RecordingTaskService();
    const page = (values: Array<[string, string]>, next: string): acsV1.GetTaskResultResponse => ({ taskId: 't', parameterValues: values.map(([path, value]) => ({ path, value, type: 'xsd:string' })), entries: [], nextPageToken: next });
    service.resultPages = [page([['A.x', '1']], '1'), page([['A.y', '2']], '2'), page([], '')];
    expect(await new ProvisioningDiagnosticsTasks({ tasks: service.client }).readValues('t')).toEqual({ 'A.x': '1', 'A.y': '2' });
  });

  it('takes a task already final or forgotten as cancelled, and passes other failures on', async () => {
    const service = new RecordingTaskService();
    const tasks = new ProvisioningDiagnosticsTasks({ tasks: service.client });
    await tasks.cancel('t-1');
    expect(service.cancelled).toEqual(['t-1']);
    service.cancelRefusal = status.FAILED_PRECONDITION;
    await tasks.cancel('t-2');
    service.cancelRefusal = status.NOT_FOUND;
    await tasks.cancel('t-3');
    service.cancelRefusal = status.INTERNAL;
    await expect(tasks.cancel('t-4')).rejects.toMatchObject({ code: status.INTERNAL });
  });
});

describe('ProvisioningDiagnosticsDevices', () => {
  const devices = (answer: () => Promise<acsV1.GetDeviceResponse>) => new ProvisioningDiagnosticsDevices({ devices: { getDevice: answer } as unknown as ProvisioningClient['devices'] });

  it("reads the data model from the device's root object", async () => {
    expect(await devices(async () => ({ device: { rootObject: acsV1.RootObject.ROOT_OBJECT_DEVICE } as acsV1.Device })).rootOf('d')).toBe('Device');
    expect(await devices(async () => ({ device: { rootObject: acsV1.RootObject.ROOT_OBJECT_INTERNET_GATEWAY_DEVICE } as acsV1.Device })).rootOf('d')).toBe('InternetGatewayDevice');
    await expect(devices(async () => ({ device: { rootObject: acsV1.RootObject.ROOT_OBJECT_UNSPECIFIED } as acsV1.Device })).rootOf('d')).rejects.toThrow(ConflictError);
  });

  it('is NotFoundError for an unknown device', async () => {
    await expect(
      devices(async () => {
        throw { code: status.NOT_FOUND, details: 'device d not found', metadata: new Metadata() };
      }).rootOf('d'),
    ).rejects.toThrow(NotFoundError);
  });
});
