import { acsV1 } from '@acs/contracts';
import { errorDetailsOf, failureOf, HealthClient } from '@acs/platform';
import { credentials, Metadata, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';

import { generateApiToken } from './api-token';
import { parseClientRegistry } from './client-registry';
import { ACS_V1_METHOD_POLICIES, type MethodPolicy } from './method-policy';
import { cancelledAtDeadline, DEADLINE_TRANSIT_ALLOWANCE_MS } from './nbi-security.interceptor';
import { eventually, startSecuredServer, type SecuredServer } from './testing/secured-server.fixture';

const oss = generateApiToken();
const viewer = generateApiToken();
const auditor = generateApiToken();
const throttled = generateApiToken();
const revoked = generateApiToken();

const registry = parseClientRegistry(
  `
roles:
  auditor: { audit: [view] }
clients:
  - name: oss
    roles: [operator]
    tokens: [{ sha256: ${oss.sha256} }]
  - name: dashboard
    roles: [viewer]
    tokens: [{ sha256: ${viewer.sha256} }]
  - name: compliance
    roles: [auditor]
    tokens: [{ sha256: ${auditor.sha256} }]
  - name: batch
    roles: [operator]
    tokens: [{ sha256: ${throttled.sha256} }]
    rateLimit: { perSecond: 1, burst: 2 }
`,
  'test clients',
);

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

type Unary<Req, Res> = (request: Req, metadata: Metadata, callback: (error: ServiceError | null, response: Res) => void) => unknown;

function unary<Req, Res>(method: Unary<Req, Res>, client: object, request: Req, metadata = new Metadata()): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

function collect<T>(stream: ClientReadableStream<T>): Promise<{ messages: T[]; error?: ServiceError }> {
  const messages: T[] = [];
  return new Promise((resolve) => {
    stream.on('data', (message: T) => messages.push(message));
    stream.on('error', (error: ServiceError) => resolve({ messages, error }));
    stream.on('end', () => resolve({ messages }));
  });
}

describe('NBI security interceptor', () => {
  let server: SecuredServer;
  let tasks: acsV1.TaskServiceClient;
  let auditClient: acsV1.AuditServiceClient;
  const createTask = (token: string | undefined, deviceId = 'dev-1', metadata = token ? bearer(token) : new Metadata()) =>
    unary<acsV1.CreateTaskRequest, acsV1.CreateTaskResponse>(tasks.createTask, tasks, { deviceId, connectionRequest: false, waitTimeoutMs: 0, maxAttempts: 0, awaitEventCode: '' }, metadata);

  beforeAll(async () => {
    server = await startSecuredServer({ clients: { current: registry }, now: () => 0 });
    tasks = new acsV1.TaskServiceClient(server.address, credentials.createInsecure());
    auditClient = new acsV1.AuditServiceClient(server.address, credentials.createInsecure());
  });

  afterAll(async () => {
    tasks.close();
    auditClient.close();
    await server.stop();
  });

  beforeEach(() => {
    server.audit.entries.length = 0;
    server.audit.failing = false;
    server.handlers.calls.length = 0;
    server.logger.lines.length = 0;
  });

  it('passes a call with a known token to the handler, naming the client and hiding the token', async () => {
    const metadata = bearer(oss.token);
    metadata.set('x-acs-client', 'admin'); // a caller cannot name itself
    const response = await createTask(undefined, 'dev-42', metadata);
    expect(response.task?.deviceId).toBe('dev-42');
    expect(server.handlers.calls).toEqual([{ method: 'CreateTask', client: ['oss'], authorization: 0 }]);
  });

  it('audits a mutating call once it ends: who, what, when, outcome', async () => {
    const before = Date.now();
    await createTask(oss.token, 'dev-42');
    await eventually(() => server.audit.entries.length === 1, 'the audit entry');
    const [entry] = server.audit.entries;
    expect(entry).toEqual({
      id: expect.any(String),
      time: expect.any(Number),
      client: 'oss',
      authentication: 'token',
      // oss's token has no label in the file: the first 12 hex digits of its digest say which token it was.
      credential: `sha256:${oss.sha256.slice(0, 12)}`,
      method: '/acs.v1.TaskService/CreateTask',
      resourceType: 'tasks',
      action: 'add',
      target: 'dev-42',
      outcome: 'OK',
      message: '',
      peer: expect.stringContaining('127.0.0.1'),
      durationMs: expect.any(Number),
    });
    expect(entry.time).toBeGreaterThanOrEqual(before);
    expect(entry.time).toBeLessThanOrEqual(Date.now());
  });

  it("audits a mutating call that the handler refused with the handler's status and message", async () => {
    const error = await failureOf(createTask(oss.token, 'bad'));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    await eventually(() => server.audit.entries.length === 1, 'the audit entry');
    expect(server.audit.entries[0]).toMatchObject({ outcome: 'INVALID_ARGUMENT', message: 'device_id: bad is not a device id', target: 'bad' });
  });

  it('does not audit a permitted read', async () => {
    await unary(tasks.getTask, tasks, { taskId: 't-9' }, bearer(viewer.token));
    await unary(tasks.createTask, tasks, { deviceId: 'dev-1', connectionRequest: false, waitTimeoutMs: 0, maxAttempts: 0, awaitEventCode: '' }, bearer(oss.token));
    await eventually(() => server.audit.entries.length === 1, 'the CreateTask entry');
    expect(server.audit.entries.map((entry) => entry.method)).toEqual(['/acs.v1.TaskService/CreateTask']);
  });

  it.each([
    ['no credentials', new Metadata()],
    ['an unknown token', bearer(revoked.token)],
    ['a malformed authorization header', (() => {
      const metadata = new Metadata();
      metadata.set('authorization', `Basic ${Buffer.from('a:b').toString('base64')}`);
      return metadata;
    })()],
  ])('refuses a call with %s as UNAUTHENTICATED, before any handler, logged without the token and not audited', async (_label, metadata) => {
    const error = await failureOf(createTask(undefined, 'dev-1', metadata));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(server.handlers.calls).toEqual([]);
    expect(server.logger.lines).toEqual([
      { level: 'warn', context: { method: '/acs.v1.TaskService/CreateTask', peer: expect.any(String), reason: expect.any(String) }, message: 'NBI call refused: not authenticated' },
    ]);
    expect(JSON.stringify(server.logger.lines)).not.toContain(revoked.token);
    // Give a wrongly queued audit write its chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.audit.entries).toEqual([]);
  });

  it('refuses a call without the role as PERMISSION_DENIED and audits the refusal with its target', async () => {
    const error = await failureOf(createTask(viewer.token, 'dev-7'));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toBe('client "dashboard" may not add tasks (roles: viewer)');
    expect(server.handlers.calls).toEqual([]);
    await eventually(() => server.audit.entries.length === 1, 'the refusal entry');
    expect(server.audit.entries[0]).toMatchObject({
      client: 'dashboard',
      method: '/acs.v1.TaskService/CreateTask',
      resourceType: 'tasks',
      action: 'add',
      target: 'dev-7',
      outcome: 'PERMISSION_DENIED',
      message: 'client "dashboard" may not add tasks (roles: viewer)',
    });
  });

  it('audits a refused read too (a viewer asking for the audit log)', async () => {
    const error = await failureOf(unary(auditClient.listAuditRecords, auditClient, { client: 'oss', resourceType: '', outcome: '', pageSize: 10, pageToken: '' }, bearer(viewer.token)));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    await eventually(() => server.audit.entries.length === 1, 'the refusal entry');
    expect(server.audit.entries[0]).toMatchObject({ resourceType: 'audit', action: 'view', target: 'oss', outcome: 'PERMISSION_DENIED' });
  });

  it('lets a custom role do what it grants and nothing else', async () => {
    await unary(auditClient.listAuditRecords, auditClient, { client: '', resourceType: '', outcome: '', pageSize: 10, pageToken: '' }, bearer(auditor.token));
    expect((await failureOf(unary(tasks.getTask, tasks, { taskId: 't-1' }, bearer(auditor.token)))).code).toBe(status.PERMISSION_DENIED);
  });

  it('refuses calls over the client rate limit as RESOURCE_EXHAUSTED with RetryInfo, auditing mutating ones', async () => {
    // burst 2, and the test clock does not move: the third call finds the bucket empty.
    await unary(tasks.getTask, tasks, { taskId: 't-1' }, bearer(throttled.token));
    await createTask(throttled.token, 'dev-1');
    const refusedRead = await failureOf(unary(tasks.getTask, tasks, { taskId: 't-2' }, bearer(throttled.token)));
    const refusedWrite = await failureOf(createTask(throttled.token, 'dev-3'));
    for (const error of [refusedRead, refusedWrite]) {
      expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(error.details).toBe('rate limit of client "batch" exceeded (1/s, burst 2); retry in 1000 ms');
      const details = errorDetailsOf(error);
      expect(details.retryInfo?.retryDelay).toEqual({ seconds: 1, nanos: 0 });
      expect(details.errorInfo).toMatchObject({ reason: 'RATE_LIMITED', domain: 'acs', metadata: { client: 'batch' } });
    }
    await eventually(() => server.audit.entries.length === 2, 'the entries of the two mutating calls');
    expect(server.audit.entries.map((entry) => [entry.target, entry.outcome])).toEqual([
      ['dev-1', 'OK'],
      ['dev-3', 'RESOURCE_EXHAUSTED'],
    ]);
    // Other clients have buckets of their own.
    await createTask(oss.token);
  });

  it('gates server-streaming calls on their request too', async () => {
    const allowed = await collect(tasks.watchTask({ taskId: 't-5' }, bearer(viewer.token)));
    expect(allowed.error).toBeUndefined();
    expect(allowed.messages.map((message) => message.task?.status)).toEqual([acsV1.TaskStatus.TASK_STATUS_PENDING, acsV1.TaskStatus.TASK_STATUS_DONE]);
    const refused = await collect(tasks.watchTask({ taskId: 't-5' }, bearer(auditor.token)));
    expect(refused.error?.code).toBe(status.PERMISSION_DENIED);
    expect(refused.messages).toEqual([]);
    const anonymous = await collect(tasks.watchTask({ taskId: 't-5' }, new Metadata()));
    expect(anonymous.error?.code).toBe(status.UNAUTHENTICATED);
    await eventually(() => server.audit.entries.length === 1, 'the refusal entry');
    expect(server.audit.entries[0]).toMatchObject({ client: 'compliance', method: '/acs.v1.TaskService/WatchTask', target: 't-5', outcome: 'PERMISSION_DENIED' });
  });

  it('lets health checks through without credentials', async () => {
    const health = new HealthClient(server.address, credentials.createInsecure());
    try {
      const response = await new Promise<{ status: number }>((resolve, reject) =>
        health.check({ service: '' }, (error, value) => (error ? reject(error) : resolve(value))),
      );
      expect(response.status).toBe(1); // SERVING
    } finally {
      health.close();
    }
  });

  it('keeps the call going when the audit write fails, and logs the entry in full', async () => {
    server.audit.failing = true;
    const response = await createTask(oss.token, 'dev-8');
    expect(response.task?.deviceId).toBe('dev-8');
    await eventually(() => server.logger.lines.some((line) => line.level === 'error'), 'the audit failure log line');
    expect(server.logger.lines.find((line) => line.level === 'error')).toMatchObject({
      context: { auditEntry: { method: '/acs.v1.TaskService/CreateTask', client: 'oss', outcome: 'OK', target: 'dev-8' } },
      message: 'NBI audit entry could not be written',
    });
  });
});

describe('NBI security interceptor, call endings without a status from the handler', () => {
  // WatchTask made mutating for this test: a stream the client cancels must still be audited.
  const watchPolicy = ACS_V1_METHOD_POLICIES.get('/acs.v1.TaskService/WatchTask')!;
  const policies = new Map<string, MethodPolicy>(ACS_V1_METHOD_POLICIES);
  policies.set('/acs.v1.TaskService/WatchTask', { ...watchPolicy, action: 'change', mutating: true });
  policies.delete('/acs.v1.TaskService/GetTask');

  let server: SecuredServer;
  let tasks: acsV1.TaskServiceClient;

  beforeAll(async () => {
    server = await startSecuredServer({ clients: { current: registry }, policies });
    tasks = new acsV1.TaskServiceClient(server.address, credentials.createInsecure());
  });

  afterAll(async () => {
    tasks.close();
    await server.stop();
  });

  it('audits a stream the client cancelled as CANCELLED', async () => {
    const stream = tasks.watchTask({ taskId: 'forever' }, bearer(oss.token));
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    stream.on('error', () => undefined);
    stream.cancel();
    await eventually(() => server.audit.entries.length === 1, 'the audit entry');
    expect(server.audit.entries[0]).toMatchObject({ method: '/acs.v1.TaskService/WatchTask', target: 'forever', outcome: 'CANCELLED' });
    await eventually(() => server.handlers.cancelled.length === 1, 'the handler to see the cancellation');
  });

  it('audits a stream cut by its deadline as DEADLINE_EXCEEDED', async () => {
    server.audit.entries.length = 0;
    const result = await collect(tasks.watchTask({ taskId: 'forever' }, bearer(oss.token), { deadline: Date.now() + 100 }));
    expect(result.error?.code).toBe(status.DEADLINE_EXCEEDED);
    await eventually(() => server.audit.entries.length === 1, 'the audit entry');
    expect(server.audit.entries[0]).toMatchObject({ target: 'forever', outcome: 'DEADLINE_EXCEEDED' });
  });

  it('refuses a method without a policy entry to every client, and says so in the logs', async () => {
    server.audit.entries.length = 0;
    const error = await failureOf(unary(tasks.getTask, tasks, { taskId: 't-1' }, bearer(oss.token)));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(server.logger.lines).toContainEqual({ level: 'error', context: { method: '/acs.v1.TaskService/GetTask' }, message: 'NBI method has no access policy; refusing it' });
    await eventually(() => server.audit.entries.length === 1, 'the refusal entry');
    expect(server.audit.entries[0]).toMatchObject({ outcome: 'PERMISSION_DENIED', resourceType: '', action: '' });
  });
});

describe('NBI security interceptor, open streams per client', () => {
  let server: SecuredServer;
  let tasks: acsV1.TaskServiceClient;

  beforeAll(async () => {
    server = await startSecuredServer({ clients: { current: registry }, maxStreamsPerClient: 2 });
    tasks = new acsV1.TaskServiceClient(server.address, credentials.createInsecure());
  });

  afterAll(async () => {
    tasks.close();
    await server.stop();
  });

  async function opened(token: string): Promise<ClientReadableStream<acsV1.WatchTaskResponse>> {
    const stream = tasks.watchTask({ taskId: 'forever' }, bearer(token));
    stream.on('error', () => undefined);
    await new Promise<void>((resolve) => stream.once('data', () => resolve()));
    return stream;
  }

  it('refuses a stream past the client\'s limit with RESOURCE_EXHAUSTED and ErrorInfo STREAM_LIMIT, other clients unaffected', async () => {
    const held = [await opened(oss.token), await opened(oss.token)];
    const refused = await collect(tasks.watchTask({ taskId: 'forever' }, bearer(oss.token)));
    expect(refused.error?.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(refused.error?.details).toBe('client "oss" already holds 2 open streams on this server; close one before opening another');
    expect(errorDetailsOf(refused.error!).errorInfo).toMatchObject({ reason: 'STREAM_LIMIT', metadata: { client: 'oss', limit: '2' } });
    const other = await opened(viewer.token);

    // A cancelled stream gives its place back.
    held[0].cancel();
    await eventually(() => server.handlers.cancelled.length >= 1, 'the cancellation to reach the server');
    const again = await opened(oss.token);
    for (const stream of [held[1], other, again]) stream.cancel();
  });

  it('gives the place of a stream back when it ends by itself', async () => {
    await eventually(() => server.handlers.cancelled.length >= 4, 'the earlier streams to close');
    for (let i = 0; i < 5; i++) {
      const result = await collect(tasks.watchTask({ taskId: 't-1' }, bearer(oss.token)));
      expect(result.error).toBeUndefined();
    }
    // Both places are free again.
    const streams = [await opened(oss.token), await opened(oss.token)];
    for (const stream of streams) stream.cancel();
  });
});

describe('NBI security interceptor, token expiry', () => {
  const expiring = generateApiToken();
  const lasting = generateApiToken();
  const expiringRegistry = parseClientRegistry(
    `
clients:
  - name: contractor
    roles: [operator]
    tokens:
      - { sha256: ${expiring.sha256}, label: until-march, expires: 2027-03-01 }
      - { sha256: ${lasting.sha256} }
`,
    'test clients',
  );
  let now = Date.UTC(2027, 1, 28, 23, 59);
  let server: SecuredServer;
  let tasks: acsV1.TaskServiceClient;

  beforeAll(async () => {
    server = await startSecuredServer({ clients: { current: expiringRegistry }, clock: () => now });
    tasks = new acsV1.TaskServiceClient(server.address, credentials.createInsecure());
  });

  afterAll(async () => {
    tasks.close();
    await server.stop();
  });

  const getTask = (token: string) => unary<acsV1.GetTaskRequest, acsV1.GetTaskResponse>(tasks.getTask, tasks, { taskId: 't-1' }, bearer(token));

  it('accepts a token until its expiry, then refuses it UNAUTHENTICATED saying so; the client\'s other tokens go on', async () => {
    expect((await getTask(expiring.token)).task?.id).toBe('t-1');
    now = Date.UTC(2027, 2, 1);
    const error = await failureOf(getTask(expiring.token));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toBe('API token expired at 2027-03-01T00:00:00.000Z; ask the ACS operator for a new one');
    expect(server.logger.lines.at(-1)).toMatchObject({
      level: 'warn',
      context: { reason: 'expired token of client "contractor" (until-march), expired 2027-03-01T00:00:00.000Z' },
    });
    expect((await getTask(lasting.token)).task?.id).toBe('t-1');
  });
});

describe('NBI security interceptor, a flood of unauthenticated calls', () => {
  let server: SecuredServer;
  let tasks: acsV1.TaskServiceClient;
  /** The interceptor's clock: the burst below falls in one throttle interval of it however long the machine takes. */
  let now = Date.UTC(2026, 10, 22);

  beforeAll(async () => {
    server = await startSecuredServer({ clients: { current: registry }, clock: () => now });
    tasks = new acsV1.TaskServiceClient(server.address, credentials.createInsecure());
  });

  afterAll(async () => {
    tasks.close();
    await server.stop();
  });

  const anonymous = () => failureOf(unary<acsV1.GetTaskRequest, acsV1.GetTaskResponse>(tasks.getTask, tasks, { taskId: 't-1' }, new Metadata()));

  it('refuses every call but logs at most 5 a minute from one peer, the next line saying how many it held back', async () => {
    const refusals = await Promise.all(Array.from({ length: 25 }, anonymous));
    expect(refusals.every((error) => error.code === status.UNAUTHENTICATED)).toBe(true);
    const logged = () => server.logger.lines.filter((line) => line.message === 'NBI call refused: not authenticated');
    expect(logged().length).toBeLessThanOrEqual(5);
    now += 60_000;
    await anonymous();
    const held = 25 - (logged().length - 1);
    expect(logged().at(-1)?.context).toMatchObject({ suppressed: held });
  });
});

describe('NBI security interceptor, a stream cut off with a deadline', () => {
  const deadline = Date.UTC(2026, 11, 7, 3, 0, 0);

  it('counts a cut at or after the deadline, or within the headers\' transit before it, as the deadline', () => {
    expect(cancelledAtDeadline(deadline, deadline + 5)).toBe(true);
    expect(cancelledAtDeadline(new Date(deadline), deadline)).toBe(true);
    // The server dates the deadline from the headers' arrival: the client's own came up to a transit earlier.
    expect(cancelledAtDeadline(deadline, deadline - DEADLINE_TRANSIT_ALLOWANCE_MS)).toBe(true);
  });

  it('counts an earlier cut, or one with no deadline, as the client\'s cancel', () => {
    expect(cancelledAtDeadline(deadline, deadline - DEADLINE_TRANSIT_ALLOWANCE_MS - 1)).toBe(false);
    expect(cancelledAtDeadline(Infinity, deadline)).toBe(false);
  });
});
