import { acsV1DescriptorSet, acsV1 as pb } from '@acs/contracts';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  Metadata,
  status,
  type CallOptions,
  type ClientDuplexStream,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { dirname, join } from 'node:path';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors';
import { UnavailableError } from '../ports/unavailable.error';
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthClient, type HealthCheckResponse } from './generated/grpc/health/v1/health';
import { failureOf, grpcClient, type GrpcClientConstructor } from './grpc-client';
import { errorDetailsOf } from './grpc-error.mapper';
import { abortSignalOf, remainingMs, serverStream, unary } from './grpc-handler';
import { GrpcServerHost } from './grpc-server.host';

const PROVISIONING = 'acs.v1.TaskService';
const DEVICES = 'acs.v1.DeviceService';

/** The double's two services as one client (each method carries its own path), so the specs need one client. */
const DOUBLE_METHODS = { ...pb.TaskServiceService, ...pb.DeviceServiceService };
type DoubleClient = pb.TaskServiceClient & pb.DeviceServiceClient;
const DoubleClient = makeGenericClientConstructor(DOUBLE_METHODS, 'ProvisioningDouble') as unknown as GrpcClientConstructor<DoubleClient>;
type DoubleServer = pb.TaskServiceServer & pb.DeviceServiceServer;

type Callback<Res> = (error: ServiceError | null, response: Res) => void;

/** Promisifies a generated client method (its last overload: request, metadata, options, callback). */
function call<Req, Res>(
  method: (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: Callback<Res>) => unknown,
  request: Req,
  options: Partial<CallOptions> = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function task(id: string, deviceId: string, spec: pb.TaskSpec, taskStatus = pb.TaskStatus.TASK_STATUS_PENDING): pb.Task {
  return {
    awaitEventCode: '',
    id,
    deviceId,
    spec,
    status: taskStatus,
    source: 'api',
    channel: 'default',
    attempts: 0,
    maxAttempts: 3,
    createTime: new Date('2024-05-01T10:00:00.123Z'),
    workItemIds: [],
    revision: 1,
  };
}

/** Test double of the provisioning service: just enough behaviour to drive the host. */
function provisioningDouble(gate: { release?: () => void; seen: { remainingMs?: number } }): DoubleServer {
  const unimplemented = Object.fromEntries(
    Object.keys(DOUBLE_METHODS).map((name) => [
      name,
      (_call: unknown, callback: (e: { code: status; details: string }) => void) => callback({ code: status.UNIMPLEMENTED, details: name }),
    ]),
  ) as unknown as DoubleServer;
  return {
    ...unimplemented,
    createTask: unary(async (request) => {
      if (!request.deviceId) throw ValidationError.forField('device_id', 'required', 'REQUIRED');
      if (!request.spec?.kind) {
        throw new ValidationError('invalid task', [
          { field: 'spec', description: 'one task kind is required', reason: 'REQUIRED' },
          { field: 'wait_timeout_ms', description: 'at most 60000' },
        ]);
      }
      return { task: task('t-1', request.deviceId, request.spec), finished: false };
    }),
    getTask: unary(async (request) => {
      switch (request.taskId) {
        case 'final':
          throw new ConflictError('task final is already DONE', { reason: 'TASK_ALREADY_FINISHED', subject: 'task final' });
        case 'outage':
          throw new UnavailableError('mongo', 'connect ECONNREFUSED 10.0.0.7:27017');
        case 'bug':
          throw new Error('secret-db-password in a stack trace');
        default:
          throw new NotFoundError('task', request.taskId);
      }
    }),
    // Waits until released, or until the client gives up (deadline or cancel).
    getDevice: unary(async (request, serverCall) => {
      gate.seen.remainingMs = remainingMs(serverCall);
      const signal = abortSignalOf(serverCall);
      await new Promise<void>((resolve) => {
        gate.release = resolve;
        signal.addEventListener('abort', () => resolve());
      });
      return { device: { id: request.deviceId, oui: '', productClass: '', serialNumber: '', manufacturer: '', rootObject: 0, softwareVersion: '', hardwareVersion: '', ip: '', connectionRequestUrl: '', udpConnectionRequestAddress: '', recentEvents: [], tags: [], parameters: [], online: false } };
    }),
    tagDevice: unary(async (request) => ({ tags: request.tags })),
    getDeviceParameters: unary(async (request) => ({
      // A response of about `path`-many kilobytes, to trip the send limit.
      parameters: Array.from({ length: Number(request.path) }, (_, i) => ({ path: `Device.X.${i}`, value: 'x'.repeat(1000), type: 'xsd:string', object: false })),
    })),
    watchTask: serverStream(async (request, serverCall) => {
      const spec: pb.TaskSpec = { kind: { $case: 'reboot', reboot: {} } };
      for (const taskStatus of [pb.TaskStatus.TASK_STATUS_PENDING, pb.TaskStatus.TASK_STATUS_DISPATCHED, pb.TaskStatus.TASK_STATUS_DONE]) {
        serverCall.write({ task: task(request.taskId, 'dev-1', spec, taskStatus) });
      }
    }),
  };
}

describe('GrpcServerHost', () => {
  const gate: { release?: () => void; seen: { remainingMs?: number } } = { seen: {} };
  const logged: Array<{ context: object; message: string }> = [];
  let host: GrpcServerHost;
  let address: string;
  let client: DoubleClient;
  let health: HealthClient;

  beforeAll(async () => {
    host = new GrpcServerHost({
      host: '127.0.0.1',
      port: 0,
      maxReceiveMessageBytes: 16 * 1024,
      maxSendMessageBytes: 16 * 1024,
      descriptorSets: [acsV1DescriptorSet],
      logger: { error: (context, message) => logged.push({ context, message }) },
    });
    const double = provisioningDouble(gate);
    host.addService<pb.TaskServiceServer>(pb.TaskServiceService, double).addService<pb.DeviceServiceServer>(pb.DeviceServiceService, double);
    address = `127.0.0.1:${await host.start()}`;
    client = grpcClient(DoubleClient, address);
    health = grpcClient(HealthClient, address);
  });

  afterAll(async () => {
    client.close();
    health.close();
    await host.stop(1000);
  });

  it('round-trips generated messages: oneof unions, dates, enums', async () => {
    const spec: pb.TaskSpec = {
      kind: { $case: 'setParameterValues', setParameterValues: { values: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: '300', type: 'xsd:unsignedInt' }] } },
    };
    const response = await call(client.createTask.bind(client), { deviceId: 'dev-1', spec, connectionRequest: true, waitTimeoutMs: 0, maxAttempts: 0, awaitEventCode: '' });
    expect(response.finished).toBe(false);
    expect(response.task?.spec).toEqual(spec);
    expect(response.task?.status).toBe(pb.TaskStatus.TASK_STATUS_PENDING);
    expect(response.task?.createTime).toEqual(new Date('2024-05-01T10:00:00.123Z'));
    expect(response.task?.updateTime).toBeUndefined();
  });

  it('streams task updates until the handler finishes', async () => {
    const statuses: pb.TaskStatus[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.watchTask({ taskId: 't-9' });
      stream.on('data', (update: pb.WatchTaskResponse) => statuses.push(update.task!.status));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    expect(statuses).toEqual([pb.TaskStatus.TASK_STATUS_PENDING, pb.TaskStatus.TASK_STATUS_DISPATCHED, pb.TaskStatus.TASK_STATUS_DONE]);
  });

  describe('errors', () => {
    it('answers a ValidationError with INVALID_ARGUMENT and google.rpc.BadRequest details', async () => {
      const error = await failureOf(call(client.createTask.bind(client), { deviceId: 'dev-1', connectionRequest: false, waitTimeoutMs: 0, maxAttempts: 0, awaitEventCode: '' }));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toBe('invalid task');
      expect(errorDetailsOf(error).badRequest?.fieldViolations).toEqual([
        { field: 'spec', description: 'one task kind is required', reason: 'REQUIRED' },
        { field: 'wait_timeout_ms', description: 'at most 60000', reason: '' },
      ]);
    });

    it('answers a NotFoundError with NOT_FOUND and the resource', async () => {
      const error = await failureOf(call(client.getTask.bind(client), { taskId: 'nope' }));
      expect(error.code).toBe(status.NOT_FOUND);
      expect(error.details).toBe('task nope not found');
      expect(errorDetailsOf(error).resourceInfo).toMatchObject({ resourceType: 'task', resourceName: 'nope' });
    });

    it('answers a ConflictError with FAILED_PRECONDITION and the violated precondition', async () => {
      const error = await failureOf(call(client.getTask.bind(client), { taskId: 'final' }));
      expect(error.code).toBe(status.FAILED_PRECONDITION);
      const details = errorDetailsOf(error);
      expect(details.errorInfo).toMatchObject({ reason: 'TASK_ALREADY_FINISHED', domain: 'acs' });
      expect(details.preconditionFailure?.violations).toEqual([
        { type: 'TASK_ALREADY_FINISHED', subject: 'task final', description: 'task final is already DONE' },
      ]);
    });

    it('answers an UnavailableError with UNAVAILABLE and a retry delay, without the adapter message', async () => {
      const error = await failureOf(call(client.getTask.bind(client), { taskId: 'outage' }));
      expect(error.code).toBe(status.UNAVAILABLE);
      expect(error.details).toBe('mongo is unavailable; retry later');
      expect(errorDetailsOf(error).retryInfo?.retryDelay).toEqual({ seconds: 1, nanos: 0 });
    });

    it('hides anything else behind INTERNAL and logs the original', async () => {
      const error = await failureOf(call(client.getTask.bind(client), { taskId: 'bug' }));
      expect(error.code).toBe(status.INTERNAL);
      expect(error.details).toBe('internal error');
      expect(JSON.stringify(error)).not.toContain('secret');
      expect(errorDetailsOf(error)).toEqual({});
      expect(logged.at(-1)?.context).toMatchObject({ method: `/${PROVISIONING}/GetTask` });
    });
  });

  describe('deadlines', () => {
    it('gives the handler the call deadline, and the client DEADLINE_EXCEEDED when it passes', async () => {
      const error = await failureOf(call(client.getDevice.bind(client), { deviceId: 'dev-1', parameterPrefix: '' }, { deadline: Date.now() + 200 }));
      expect(error.code).toBe(status.DEADLINE_EXCEEDED);
      expect(gate.seen.remainingMs).toBeGreaterThan(0);
      expect(gate.seen.remainingMs).toBeLessThanOrEqual(200);
    });

    it('puts a default deadline on unary calls of grpcClient', async () => {
      const hurried = grpcClient(DoubleClient, address, { defaultDeadlineMs: 100 });
      try {
        const error = await failureOf(call(hurried.getDevice.bind(hurried), { deviceId: 'dev-1', parameterPrefix: '' }));
        expect(error.code).toBe(status.DEADLINE_EXCEEDED);
        expect(gate.seen.remainingMs).toBeLessThanOrEqual(100);
      } finally {
        hurried.close();
      }
    });

    it('reports no deadline as Infinity', async () => {
      const raw = new DoubleClient(address, credentials.createInsecure());
      try {
        const pending = call(raw.getDevice.bind(raw), { deviceId: 'dev-1', parameterPrefix: '' });
        await waitFor(() => gate.seen.remainingMs === Infinity);
        gate.release?.();
        expect((await pending).device?.id).toBe('dev-1');
      } finally {
        raw.close();
      }
    });
  });

  describe('message size limits', () => {
    it('refuses a request larger than the limit with RESOURCE_EXHAUSTED', async () => {
      const error = await failureOf(call(client.tagDevice.bind(client), { deviceId: 'dev-1', tags: ['x'.repeat(32 * 1024)] }));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    });

    it('accepts one under the limit', async () => {
      await expect(call(client.tagDevice.bind(client), { deviceId: 'dev-1', tags: ['x'.repeat(8 * 1024)] })).resolves.toEqual({
        tags: ['x'.repeat(8 * 1024)],
      });
    });

    it('does not send a response larger than the limit', async () => {
      const error = await failureOf(call(client.getDeviceParameters.bind(client), { deviceId: 'dev-1', path: '40' }));
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    });
  });

  describe('health', () => {
    it('reports the server and each registered service; NOT_FOUND for others', async () => {
      await expect(call(health.check.bind(health), { service: '' })).resolves.toEqual({ status: ServingStatus.SERVING });
      await expect(call(health.check.bind(health), { service: PROVISIONING })).resolves.toEqual({ status: ServingStatus.SERVING });
      const error = await failureOf(call(health.check.bind(health), { service: 'acs.Nope' }));
      expect(error.code).toBe(status.NOT_FOUND);
    });

    it('streams status changes to watchers', async () => {
      const seen: ServingStatus[] = [];
      const stream = health.watch({ service: PROVISIONING });
      stream.on('error', () => undefined); // the cancel below ends the stream with CANCELLED
      stream.on('data', (response: HealthCheckResponse) => seen.push(response.status));
      await waitFor(() => seen.length === 1);
      host.health.setStatus(PROVISIONING, ServingStatus.NOT_SERVING);
      await waitFor(() => seen.length === 2);
      host.health.setStatus(PROVISIONING, ServingStatus.SERVING);
      await waitFor(() => seen.length === 3);
      stream.cancel();
      expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING]);
      await expect(call(health.check.bind(health), { service: PROVISIONING })).resolves.toEqual({ status: ServingStatus.SERVING });
    });

    it('tells a watcher of an unknown service SERVICE_UNKNOWN', async () => {
      const first = await new Promise<ServingStatus>((resolve, reject) => {
        const stream = health.watch({ service: 'acs.Later' });
        stream.on('error', () => undefined);
        stream.on('data', (response: HealthCheckResponse) => {
          resolve(response.status);
          stream.cancel();
        });
        stream.on('end', () => reject(new Error('ended without a status')));
      });
      expect(first).toBe(ServingStatus.SERVICE_UNKNOWN);
    });
  });

  describe('reflection', () => {
    type Reflection = { serverReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> };
    interface ReflectionResponse {
      listServicesResponse?: { service: Array<{ name: string }> };
      fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
      errorResponse?: { errorCode: number };
    }
    let reflection: Reflection & { close(): void };

    beforeAll(() => {
      // The client side of grpc.reflection.v1, as grpcurl speaks it, from the proto @grpc/reflection ships.
      const protoPath = join(dirname(require.resolve('@grpc/reflection')), '../proto/grpc/reflection/v1/reflection.proto');
      const loaded = loadPackageDefinition(loadSync(protoPath, { keepCase: false, longs: Number, defaults: true, oneofs: true }));
      const v1 = ((loaded.grpc as GrpcObject).reflection as GrpcObject).v1 as GrpcObject;
      const Client = v1.ServerReflection as ServiceClientConstructor;
      reflection = new Client(address, credentials.createInsecure()) as unknown as Reflection & { close(): void };
    });
    afterAll(() => reflection.close());

    function ask(request: object): Promise<ReflectionResponse> {
      return new Promise((resolve, reject) => {
        const stream = reflection.serverReflectionInfo();
        stream.on('data', (response) => {
          resolve(response);
          stream.end();
        });
        stream.on('error', reject);
        stream.write(request);
      });
    }

    it('lists the hosted services (grpcurl list)', async () => {
      const response = await ask({ listServices: '' });
      expect(response.listServicesResponse?.service.map((s) => s.name).sort()).toEqual([DEVICES, PROVISIONING, 'grpc.health.v1.Health']);
    });

    it('describes a service with the files it imports, as buf compiled them (grpcurl describe)', async () => {
      const response = await ask({ fileContainingSymbol: PROVISIONING });
      const files = (response.fileDescriptorResponse?.fileDescriptorProto ?? []).map(nameAndImports);
      expect(files).toContainEqual({
        name: 'acs/v1/tasks.proto',
        imports: ['acs/v1/values.proto', 'google/protobuf/timestamp.proto', 'google/protobuf/struct.proto'],
      });
      expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(['google/protobuf/timestamp.proto', 'google/protobuf/struct.proto']));
      const byName = await ask({ fileByFilename: 'grpc/health/v1/health.proto' });
      expect(byName.fileDescriptorResponse?.fileDescriptorProto.map(nameAndImports)).toEqual([{ name: 'grpc/health/v1/health.proto', imports: [] }]);
    });

    /** FileDescriptorProto fields 1 (name) and 3 (dependency), read off the wire. */
    function nameAndImports(file: Buffer): { name: string; imports: string[] } {
      const reader = new BinaryReader(file);
      const result = { name: '', imports: [] as string[] };
      while (reader.pos < reader.len) {
        const [field, wireType] = reader.tag();
        if (field === 1) result.name = reader.string();
        else if (field === 3) result.imports.push(reader.string());
        else reader.skip(wireType);
      }
      return result;
    }
  });
});

describe('GrpcServerHost shutdown', () => {
  async function started(): Promise<{ host: GrpcServerHost; client: DoubleClient; gate: { release?: () => void; seen: { remainingMs?: number } } }> {
    const gate: { release?: () => void; seen: { remainingMs?: number } } = { seen: {} };
    const host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    const double = provisioningDouble(gate);
    host.addService<pb.TaskServiceServer>(pb.TaskServiceService, double).addService<pb.DeviceServiceServer>(pb.DeviceServiceService, double);
    const port = await host.start();
    return { host, gate, client: grpcClient(DoubleClient, `127.0.0.1:${port}`, { defaultDeadlineMs: 5000 }) };
  }

  it('lets calls in flight finish, marks services NOT_SERVING and refuses new calls', async () => {
    const { host, gate, client } = await started();
    try {
      const inFlight = call(client.getDevice.bind(client), { deviceId: 'dev-1', parameterPrefix: '' });
      await waitFor(() => gate.release !== undefined);
      const stopped = host.stop(5000);
      expect(host.health.statusOf(PROVISIONING)).toBe(ServingStatus.NOT_SERVING);
      expect(host.health.statusOf('')).toBe(ServingStatus.NOT_SERVING);
      const refused = await failureOf(call(client.tagDevice.bind(client), { deviceId: 'dev-1', tags: [] }));
      expect(refused.code).toBe(status.UNAVAILABLE);
      gate.release!();
      expect((await inFlight).device?.id).toBe('dev-1');
      await stopped;
    } finally {
      client.close();
    }
  });

  it('cancels calls still running when the shutdown deadline passes', async () => {
    const { host, gate, client } = await started();
    try {
      const outcome = failureOf(call(client.getDevice.bind(client), { deviceId: 'dev-1', parameterPrefix: '' }));
      await waitFor(() => gate.release !== undefined);
      await host.stop(100);
      const error = await outcome;
      expect([status.CANCELLED, status.UNAVAILABLE]).toContain(error.code);
    } finally {
      client.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
