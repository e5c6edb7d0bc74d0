import { acsV1, REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { DEFAULT_CALL_MS, type ServiceTransport } from '@acs/clients';
import { GrpcServerHost, NotFoundError, errorDetailsOf, failureOf, grpcClient, remainingMs, serverStream, unary } from '@acs/platform';
import { credentials, Metadata, status, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { CLIENT_METADATA_KEY } from '../security/nbi-security.interceptor';
import { BackendRelay } from './backend-relay';

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

function call<Req, Res>(
  method: (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: Callback<Res>) => unknown,
  request: Req,
  metadata = new Metadata(),
  options: Partial<CallOptions> = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function aTask(id: string, taskStatus: acsV1.TaskStatus, revision: number): acsV1.Task {
  return { id, deviceId: 'dev-1', status: taskStatus, source: 'api', channel: 'default', attempts: 1, maxAttempts: 3, workItemIds: [], revision, awaitEventCode: '' };
}

/** What the backend's handlers saw of the last call. */
const seen: { remainingMs?: number; metadata?: Record<string, unknown> } = {};

/** The backend: a TaskService double. */
const taskService = {
  ...Object.fromEntries(
    Object.keys(acsV1.TaskServiceService).map((name) => [
      name,
      (_call: unknown, callback: (e: { code: status; details: string }) => void) => callback({ code: status.UNIMPLEMENTED, details: name }),
    ]),
  ),
  getTask: unary<acsV1.GetTaskRequest, acsV1.GetTaskResponse>(async (request, serverCall) => {
    seen.remainingMs = remainingMs(serverCall);
    seen.metadata = serverCall.metadata.getMap();
    if (request.taskId === 'missing') throw new NotFoundError('task', 'missing');
    return { task: aTask(request.taskId, acsV1.TaskStatus.TASK_STATUS_DONE, 3) };
  }),
  createTask: unary<acsV1.CreateTaskRequest, acsV1.CreateTaskResponse>(async (_request, serverCall) => {
    seen.remainingMs = remainingMs(serverCall);
    return { task: aTask('t-new', acsV1.TaskStatus.TASK_STATUS_PENDING, 1), finished: false };
  }),
  watchTask: serverStream<acsV1.WatchTaskRequest, acsV1.WatchTaskResponse>(async (request, serverCall) => {
    const statuses = [acsV1.TaskStatus.TASK_STATUS_PENDING, acsV1.TaskStatus.TASK_STATUS_DONE];
    statuses.forEach((taskStatus, revision) => serverCall.write({ task: aTask(request.taskId, taskStatus, revision) }));
  }),
} as unknown as acsV1.TaskServiceServer;

const transports: Array<[string, (backend: GrpcServerHost, port: number) => ServiceTransport]> = [
  ['gRPC', (_backend, port) => ({ address: `127.0.0.1:${port}` })],
  ['in-process', (backend) => ({ host: () => backend })],
];

describe.each(transports)('BackendRelay to a backend over %s', (_name, transportOf) => {
  let backend: GrpcServerHost;
  let nbi: GrpcServerHost;
  let relay: BackendRelay;
  let tasks: acsV1.TaskServiceClient;
  let address: string;

  beforeAll(async () => {
    backend = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    backend.addService(acsV1.TaskServiceService, taskService);
    const backendPort = await backend.start();
    relay = new BackendRelay({
      dependency: 'provisioning',
      services: [acsV1.TaskServiceService],
      transport: transportOf(backend, backendPort),
      waitsOf: { [acsV1.TaskServiceService.createTask.path]: (request) => (request as acsV1.CreateTaskRequest).waitTimeoutMs },
    });
    nbi = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    for (const [definition, implementation] of relay.services()) nbi.addService(definition, implementation);
    address = `127.0.0.1:${await nbi.start()}`;
    tasks = grpcClient(acsV1.TaskServiceClient, address, { defaultDeadlineMs: 60_000 });
  });

  afterAll(async () => {
    tasks?.close();
    relay?.close();
    await nbi?.stop();
    await backend?.stop();
  });

  it("relays the request and the answer, with the caller's deadline", async () => {
    const response = await call(tasks.getTask.bind(tasks), { taskId: 't-1' }, new Metadata(), { deadline: Date.now() + 3000 });
    expect(response.task).toMatchObject({ id: 't-1', status: acsV1.TaskStatus.TASK_STATUS_DONE, revision: 3 });
    expect(seen.remainingMs).toBeGreaterThan(0);
    expect(seen.remainingMs).toBeLessThanOrEqual(3000);
  });

  it('sends the authenticated client as requested-by and nothing of what the caller sent', async () => {
    const metadata = new Metadata();
    // The security interceptor sets x-acs-client from the token; a caller's own requested-by must not get through.
    metadata.set(CLIENT_METADATA_KEY, 'oss-eu');
    metadata.set(REQUESTED_BY_METADATA_KEY, 'someone-else');
    metadata.set('x-private', 'secret');
    await call(tasks.getTask.bind(tasks), { taskId: 't-2' }, metadata);
    expect(seen.metadata?.[REQUESTED_BY_METADATA_KEY]).toBe('oss-eu');
    expect(seen.metadata?.['x-private']).toBeUndefined();
    expect(seen.metadata?.[CLIENT_METADATA_KEY]).toBeUndefined();
  });

  it('widens the default deadline of a call that waits when the caller set none', async () => {
    const raw = new acsV1.TaskServiceClient(address, credentials.createInsecure());
    try {
      await call(raw.createTask.bind(raw), { deviceId: 'dev-1', connectionRequest: false, waitTimeoutMs: 60_000, maxAttempts: 0, awaitEventCode: '' });
      expect(seen.remainingMs).toBeGreaterThan(DEFAULT_CALL_MS);
      expect(seen.remainingMs).toBeLessThanOrEqual(DEFAULT_CALL_MS + 60_000);
    } finally {
      raw.close();
    }
  });

  it("passes the backend's status and google.rpc details through", async () => {
    const error = await failureOf(call(tasks.getTask.bind(tasks), { taskId: 'missing' }));
    expect(error.code).toBe(status.NOT_FOUND);
    expect(error.details).toBe('task missing not found');
    expect(errorDetailsOf(error).resourceInfo).toMatchObject({ resourceType: 'task', resourceName: 'missing' });
  });

  it('relays a server stream update by update', async () => {
    const stream = tasks.watchTask({ taskId: 't-3' });
    const statuses: acsV1.TaskStatus[] = [];
    for await (const update of stream as AsyncIterable<acsV1.WatchTaskResponse>) statuses.push(update.task!.status);
    expect(statuses).toEqual([acsV1.TaskStatus.TASK_STATUS_PENDING, acsV1.TaskStatus.TASK_STATUS_DONE]);
  });

  it("checks the backend's health under its dependency name", async () => {
    const dependency = relay.dependency();
    expect(dependency.name).toBe('provisioning');
    await expect(dependency.check()).resolves.toBeUndefined();
  });
});

describe('BackendRelay to a backend that is not there', () => {
  it('answers UNAVAILABLE naming the dependency, never its address', async () => {
    const relay = new BackendRelay({ dependency: 'provisioning', services: [acsV1.TaskServiceService], transport: { address: '127.0.0.1:1' } });
    const nbi = new GrpcServerHost({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 200 });
    for (const [definition, implementation] of relay.services()) nbi.addService(definition, implementation);
    const tasks = grpcClient(acsV1.TaskServiceClient, `127.0.0.1:${await nbi.start()}`);
    try {
      const error = await failureOf(call(tasks.getTask.bind(tasks), { taskId: 't-1' }, new Metadata(), { deadline: Date.now() + 5000 }));
      expect(error.code).toBe(status.UNAVAILABLE);
      expect(error.details).toBe('provisioning is unavailable; retry later');
      expect(errorDetailsOf(error).errorInfo?.metadata).toEqual({ dependency: 'provisioning' });
    } finally {
      tasks.close();
      relay.close();
      await nbi.stop();
    }
  });
});
