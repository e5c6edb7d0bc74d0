import { acsV1 as pb } from '@acs/contracts';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { NotFoundError, ValidationError } from '../errors/domain-errors';
import { HealthCheckResponse_ServingStatus as ServingStatus, HealthService, type HealthCheckResponse } from './generated/grpc/health/v1/health';
import { errorDetailsOf } from './grpc-error.mapper';
import { abortSignalOf, remainingMs, serverStream, unary } from './grpc-handler';
import { GrpcHealthService } from './grpc-health.service';
import { failureOf } from './grpc-client';
import { inProcessClient } from './in-process-client';

type Client = InstanceType<typeof pb.TaskServiceClient>;
type Callback<Res> = (error: ServiceError | null, response: Res) => void;

function call<Req, Res>(method: (r: Req, m: Metadata, o: { deadline?: number }, cb: Callback<Res>) => unknown, request: Req, deadlineMs?: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, new Metadata(), deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

function aTask(id: string, taskStatus: pb.TaskStatus, revision: number): pb.Task {
  return { id, deviceId: 'dev-1', status: taskStatus, source: 'api', channel: 'default', attempts: 1, maxAttempts: 3, workItemIds: [], revision, awaitEventCode: '' };
}

describe('inProcessClient', () => {
  const seen: { request?: pb.GetTaskRequest; deadlineLeft?: number; cancelled?: boolean } = {};
  const implementation: Partial<pb.TaskServiceServer> = {
    getTask: unary<pb.GetTaskRequest, pb.GetTaskResponse>(async (request, c) => {
      seen.request = request;
      seen.deadlineLeft = remainingMs(c);
      if (request.taskId === 'missing') throw new NotFoundError('task', 'missing');
      if (request.taskId === '') throw ValidationError.forField('task_id', 'required', 'REQUIRED');
      return { task: aTask(request.taskId, pb.TaskStatus.TASK_STATUS_DONE, 3) };
    }),
    createTask: unary<pb.CreateTaskRequest, pb.CreateTaskResponse>(async (_request, c) => {
      const signal = abortSignalOf(c);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      seen.cancelled = true;
      return { finished: false };
    }),
    watchTask: serverStream<pb.WatchTaskRequest, pb.WatchTaskResponse>(async (request, c) => {
      if (request.taskId === 'endless') {
        const signal = abortSignalOf(c);
        c.write({ task: aTask('endless', pb.TaskStatus.TASK_STATUS_PENDING, 1) });
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        seen.cancelled = true;
        return;
      }
      for (const [revision, taskStatus] of [pb.TaskStatus.TASK_STATUS_PENDING, pb.TaskStatus.TASK_STATUS_DISPATCHED, pb.TaskStatus.TASK_STATUS_DONE].entries()) {
        c.write({ task: aTask(request.taskId, taskStatus, revision + 1) });
      }
    }),
  };
  for (const name of Object.keys(pb.TaskServiceService)) {
    (implementation as Record<string, unknown>)[name] ??= unary(async () => {
      throw new Error('not used here');
    });
  }
  const client = inProcessClient<Client>(pb.TaskServiceService, implementation as pb.TaskServiceServer);

  beforeEach(() => {
    delete seen.request;
    delete seen.deadlineLeft;
    delete seen.cancelled;
  });

  it('answers a unary call through the handler, with copies made by the serializers and the deadline passed on', async () => {
    const request: pb.GetTaskRequest = { taskId: 't-1' };
    const response = await call(client.getTask.bind(client), request, 5000);
    expect(response.task).toMatchObject({ id: 't-1', status: pb.TaskStatus.TASK_STATUS_DONE, revision: 3 });
    expect(seen.request).toEqual(request);
    expect(seen.request).not.toBe(request);
    expect(seen.deadlineLeft).toBeGreaterThan(4000);
    expect(seen.deadlineLeft).toBeLessThanOrEqual(5000);
  });

  it('fails with the status and google.rpc details the handler answers', async () => {
    const missing = await failureOf(call(client.getTask.bind(client), { taskId: 'missing' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(errorDetailsOf(missing).resourceInfo).toMatchObject({ resourceType: 'task', resourceName: 'missing' });
    const invalid = await failureOf(call(client.getTask.bind(client), { taskId: '' }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(errorDetailsOf(invalid).badRequest?.fieldViolations[0]?.field).toBe('task_id');
    expect(invalid).toBeInstanceOf(Error);
  });

  it('fails with DEADLINE_EXCEEDED at the deadline and cancels the handler', async () => {
    // On jest's clock, so the time to the failure is the deadline's, not how long a busy machine took to get there.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const started = Date.now();
      const failure = failureOf(call(client.createTask.bind(client), pb.CreateTaskRequest.fromPartial({ deviceId: 'dev-1' }), 100));
      await jest.advanceTimersByTimeAsync(100);
      const error = await failure;
      expect(error.code).toBe(status.DEADLINE_EXCEEDED);
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      jest.useRealTimers();
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.cancelled).toBe(true);
  });

  it('streams messages in order, then ends', async () => {
    const statuses: pb.TaskStatus[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.watchTask({ taskId: 't-2' });
      stream.on('data', (update: pb.WatchTaskResponse) => statuses.push(update.task!.status));
      stream.on('error', reject);
      stream.on('end', resolve);
    });
    expect(statuses).toEqual([pb.TaskStatus.TASK_STATUS_PENDING, pb.TaskStatus.TASK_STATUS_DISPATCHED, pb.TaskStatus.TASK_STATUS_DONE]);
  });

  it('cancels a stream: the handler sees it and the caller gets CANCELLED', async () => {
    const error = await new Promise<ServiceError>((resolve) => {
      const stream = client.watchTask({ taskId: 'endless' });
      stream.on('data', () => stream.cancel());
      stream.on('error', resolve);
    });
    expect(error.code).toBe(status.CANCELLED);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.cancelled).toBe(true);
  });

  it('serves the health service of a host', async () => {
    const health = new GrpcHealthService();
    health.setStatus('acs.x.Service', ServingStatus.NOT_SERVING);
    const healthClient = inProcessClient<InstanceType<typeof import('./generated/grpc/health/v1/health').HealthClient>>(
      HealthService,
      health.implementation as never,
    );
    const answer = await call<{ service: string }, HealthCheckResponse>(healthClient.check.bind(healthClient), { service: 'acs.x.Service' }, 1000);
    expect(answer.status).toBe(ServingStatus.NOT_SERVING);
    expect((await failureOf(call(healthClient.check.bind(healthClient), { service: 'unknown' }, 1000))).code).toBe(status.NOT_FOUND);
  });
});
