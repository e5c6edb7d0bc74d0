import { acsV1 } from '@acs/contracts';
import { GrpcServerHost } from '@acs/platform';
import { Metadata, status, type ServerCredentials, type ServiceDefinition, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Registry } from 'prom-client';

import type { AuditEntry, AuditLog, AuditQuery } from '../../audit/audit-log.port';
import { ClientRateLimiter, type RateLimit } from '../client-rate-limiter';
import { ClientStreamLimiter } from '../client-stream-limiter';
import type { ClientRegistryProvider } from '../client-registry';
import type { MethodPolicy } from '../method-policy';
import { CLIENT_METADATA_KEY, createNbiSecurityInterceptor, type NbiSecurityLogger } from '../nbi-security.interceptor';
import { UnauthenticatedPeerLimiter } from '../unauthenticated-peer-limiter';

// The specs on this server wait for audit writes, which happen after the answer reaches the client.
export { eventually } from '../../testing/eventually';

/** An audit log that keeps what it is given, for assertions; `failing` makes every write fail. */
export class RecordingAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  failing = false;

  async record(entry: AuditEntry): Promise<void> {
    if (this.failing) throw new Error('audit store down');
    this.entries.push(entry);
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.entries.slice(-query.limit).reverse();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

/** A logger that keeps its lines. */
export class RecordingLogger implements NbiSecurityLogger {
  readonly lines: Array<{ level: 'warn' | 'error'; context: object; message: string }> = [];

  warn(context: object, message: string): void {
    this.lines.push({ level: 'warn', context, message });
  }

  error(context: object, message: string): void {
    this.lines.push({ level: 'error', context, message });
  }
}

/** What the handlers behind the interceptor saw. */
export interface HandlerView {
  calls: Array<{ method: string; client: string[]; authorization: number }>;
  /** Streams left open (WatchTask of task `forever`) report here when cancelled. */
  cancelled: string[];
}

export interface SecuredServer {
  address: string;
  audit: RecordingAuditLog;
  logger: RecordingLogger;
  handlers: HandlerView;
  stop(): Promise<void>;
}

export interface SecuredServerOptions {
  clients: ClientRegistryProvider;
  rateLimit?: RateLimit;
  /** Open server streams per client; unlimited when absent. */
  maxStreamsPerClient?: number;
  credentials?: ServerCredentials;
  policies?: ReadonlyMap<string, MethodPolicy>;
  /** Failed authentications per peer; unlimited when absent. */
  unauthenticatedLimit?: RateLimit;
  /** Where the refusal counter goes. */
  metrics?: Registry;
  /** Listen address; default 127.0.0.1 (`[::]` takes IPv4 and IPv6 loopback: two peers on one host). */
  host?: string;
  /** The rate limiters' clock. */
  now?: () => number;
  /** The wall clock token expiry is checked against. */
  clock?: () => number;
  /** Services to host instead of the trivial TaskService and AuditService (e.g. BackendRelay's, over real backends). */
  services?: ReadonlyArray<[ServiceDefinition, UntypedServiceImplementation]>;
  /** Whether the handlers hold group-scoped clients to their groups (NbiSecurityDeps.deviceScopes). */
  deviceScopes?: boolean;
}

function sampleTask(id: string, deviceId: string): acsV1.Task {
  return {
    awaitEventCode: '',
    id,
    deviceId,
    status: acsV1.TaskStatus.TASK_STATUS_PENDING,
    source: 'api',
    channel: 'default',
    attempts: 0,
    maxAttempts: 3,
    workItemIds: [],
    revision: 1,
  };
}

/**
 * A real gRPC server on loopback hosting acs.v1 TaskService and AuditService with trivial handlers behind the
 * security interceptor. `CreateTask` for device `bad` fails with INVALID_ARGUMENT; `WatchTask` sends two updates and
 * ends, or stays open for task `forever` until cancelled.
 */
export async function startSecuredServer(options: SecuredServerOptions): Promise<SecuredServer> {
  const audit = new RecordingAuditLog();
  const logger = new RecordingLogger();
  const handlers: HandlerView = { calls: [], cancelled: [] };
  const seen = (method: string, metadata: Metadata) =>
    handlers.calls.push({ method, client: metadata.get(CLIENT_METADATA_KEY).map(String), authorization: metadata.get('authorization').length });
  const unimplemented = (_call: unknown, callback: (error: Partial<ServiceError>) => void) => callback({ code: status.UNIMPLEMENTED, details: 'not in this test' });

  const tasks: acsV1.TaskServiceServer = {
    createTask: (call, callback) => {
      seen('CreateTask', call.metadata);
      if (call.request.deviceId === 'bad') callback({ code: status.INVALID_ARGUMENT, details: 'device_id: bad is not a device id' });
      else callback(null, { task: sampleTask('t-1', call.request.deviceId), finished: false });
    },
    getTask: (call, callback) => {
      seen('GetTask', call.metadata);
      callback(null, { task: sampleTask(call.request.taskId, 'dev-1') });
    },
    listTasks: unimplemented,
    cancelTask: (call, callback) => {
      seen('CancelTask', call.metadata);
      callback(null, { task: sampleTask(call.request.taskId, 'dev-1') });
    },
    retryTask: unimplemented,
    getTaskResult: unimplemented,
    watchTask: (call) => {
      seen('WatchTask', call.metadata);
      if (call.request.taskId === 'forever') {
        call.write({ task: sampleTask('forever', 'dev-1') });
        call.on('cancelled', () => handlers.cancelled.push('forever'));
        return;
      }
      call.write({ task: sampleTask(call.request.taskId, 'dev-1') });
      call.write({ task: { ...sampleTask(call.request.taskId, 'dev-1'), status: acsV1.TaskStatus.TASK_STATUS_DONE } });
      call.end();
    },
  };
  const auditService: acsV1.AuditServiceServer = {
    listAuditRecords: (call, callback) => {
      seen('ListAuditRecords', call.metadata);
      callback(null, { records: [], nextPageToken: '' });
    },
  };

  const interceptor = createNbiSecurityInterceptor({
    clients: options.clients,
    auditLog: audit,
    rateLimiter: new ClientRateLimiter(options.rateLimit ?? { perSecond: 1000, burst: 1000 }, options.now),
    ...(options.unauthenticatedLimit ? { peerLimiter: new UnauthenticatedPeerLimiter(options.unauthenticatedLimit, options.now) } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.maxStreamsPerClient ? { streamLimiter: new ClientStreamLimiter(options.maxStreamsPerClient) } : {}),
    logger,
    ...(options.policies ? { policies: options.policies } : {}),
    ...(options.clock ? { now: options.clock } : {}),
    ...(options.deviceScopes ? { deviceScopes: true } : {}),
  });
  const host = new GrpcServerHost({
    host: options.host ?? '127.0.0.1',
    port: 0,
    interceptors: [interceptor],
    shutdownTimeoutMs: 200,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  if (options.services) for (const [definition, implementation] of options.services) host.addService(definition, implementation);
  else host.addService(acsV1.TaskServiceService, tasks).addService(acsV1.AuditServiceService, auditService);
  const port = await host.start();
  return { address: `127.0.0.1:${port}`, audit, logger, handlers, stop: () => host.stop(200) };
}
