import { acsV1 } from '@acs/contracts';
import { GrpcServerHost, NotFoundError, UnavailableError, errorDetailsOf, remainingMs, serverStream, unary, type ResourceInfo } from '@acs/platform';
import { Metadata, status } from '@grpc/grpc-js';
import { DEFAULT_CALL_MS, type ServiceStatus, type ServiceTransport } from './service-client';
import { provisioningClient, type ProvisioningClient } from './provisioning.client';

function aTask(id: string, taskStatus: acsV1.TaskStatus, revision: number): acsV1.Task {
  return { id, deviceId: 'dev-1', status: taskStatus, source: 'api', channel: 'default', attempts: 1, maxAttempts: 3, workItemIds: [], revision, awaitEventCode: '' };
}

/** What the double's handlers saw of the last call. */
const seen: { remainingMs?: number; requestedBy?: string[] } = {};

/** A TaskService double: just enough behaviour to show what the client passes on and what it gives back. */
const taskService = {
  ...Object.fromEntries(
    Object.keys(acsV1.TaskServiceService).map((name) => [
      name,
      (_call: unknown, callback: (e: { code: status; details: string }) => void) => callback({ code: status.UNIMPLEMENTED, details: name }),
    ]),
  ),
  getTask: unary<acsV1.GetTaskRequest, acsV1.GetTaskResponse>(async (request, call) => {
    seen.remainingMs = remainingMs(call);
    seen.requestedBy = call.metadata.get('x-acs-requested-by').map(String);
    if (request.taskId === 'missing') throw new NotFoundError('task', 'missing');
    if (request.taskId === 'outage') throw new UnavailableError('mongo', 'connect ECONNREFUSED 10.0.0.7:27017');
    return { task: aTask(request.taskId, acsV1.TaskStatus.TASK_STATUS_DONE, 3) };
  }),
  watchTask: serverStream<acsV1.WatchTaskRequest, acsV1.WatchTaskResponse>(async (request, call) => {
    const statuses = [acsV1.TaskStatus.TASK_STATUS_PENDING, acsV1.TaskStatus.TASK_STATUS_DISPATCHED, acsV1.TaskStatus.TASK_STATUS_DONE];
    statuses.forEach((taskStatus, revision) => call.write({ task: aTask(request.taskId, taskStatus, revision) }));
  }),
} as unknown as acsV1.TaskServiceServer;

const transports: Array<[string, (host: GrpcServerHost, port: number) => ServiceTransport]> = [
  ['gRPC', (_host, port) => ({ address: `127.0.0.1:${port}` })],
  ['in-process', (host) => ({ host: () => host })],
];

describe.each(transports)('provisioningClient over %s', (_name, transportOf) => {
  let host: GrpcServerHost;
  let client: ProvisioningClient;

  beforeAll(async () => {
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    host.addService(acsV1.TaskServiceService, taskService);
    const port = await host.start();
    client = provisioningClient(transportOf(host, port));
  });

  afterAll(async () => {
    client?.close();
    await host?.stop();
  });

  it('resolves with the response, with a default deadline and the metadata the caller gave', async () => {
    const metadata = new Metadata();
    metadata.set('x-acs-requested-by', 'oss-eu');
    const response = await client.tasks.getTask({ taskId: 't-1' }, { metadata });
    expect(response.task).toMatchObject({ id: 't-1', status: acsV1.TaskStatus.TASK_STATUS_DONE, revision: 3 });
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(DEFAULT_CALL_MS);
    expect(seen.requestedBy).toEqual(['oss-eu']);
  });

  it('is typed from the generated definitions', () => {
    // Never called: the compiler is the assertion.
    const typed = (): Promise<acsV1.GetTaskResponse> => client.tasks.getTask({ taskId: 't-1' });
    // @ts-expect-error a task id is a string
    const mistyped = () => client.tasks.getTask({ taskId: 1 });
    expect([typed, mistyped]).toHaveLength(2);
  });

  it("passes the caller's deadline on", async () => {
    await client.tasks.getTask({ taskId: 't-2' }, { deadline: Date.now() + 2000 });
    expect(seen.remainingMs).toBeLessThanOrEqual(2000);
    expect(seen.requestedBy).toEqual([]);
  });

  it("rejects with the service's status and google.rpc details, as a status object a handler relays as it is", async () => {
    const error = (await client.tasks.getTask({ taskId: 'missing' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as ServiceStatus;
    expect(error).not.toBeInstanceOf(Error);
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe('task missing not found');
    expect(errorDetailsOf(error).resourceInfo).toMatchObject<Partial<ResourceInfo>>({ resourceType: 'task', resourceName: 'missing' });
    expect(error.metadata.getMap()).toEqual({ 'grpc-status-details-bin': expect.any(Buffer) });
  });

  it('rejects an unavailable service as UnavailableError naming the dependency', async () => {
    const error = await client.tasks.getTask({ taskId: 'outage' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).dependency).toBe('provisioning');
  });

  it('streams a server stream in order', async () => {
    const stream = client.tasks.watchTask({ taskId: 't-3' });
    const statuses: acsV1.TaskStatus[] = [];
    // The stream's events, not async iteration: the in-process stream is an EventEmitter with the client's surface.
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (update: acsV1.WatchTaskResponse) => statuses.push(update.task!.status));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    expect(statuses).toEqual([acsV1.TaskStatus.TASK_STATUS_PENDING, acsV1.TaskStatus.TASK_STATUS_DISPATCHED, acsV1.TaskStatus.TASK_STATUS_DONE]);
  });
});

describe('provisioningClient over gRPC, nothing listening', () => {
  it('rejects UnavailableError naming the dependency, not the address', async () => {
    const client = provisioningClient({ address: '127.0.0.1:1' });
    try {
      const error = await client.faults.listFaults({ deviceId: '', channel: '', pageSize: 0, pageToken: '' }, { deadline: Date.now() + 5000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as UnavailableError).dependency).toBe('provisioning');
    } finally {
      client.close();
    }
  });
});
