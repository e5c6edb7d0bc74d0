import {
  Server,
  ServerCredentials,
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type Metadata,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { parse } from 'yaml';
import { acsV1 } from '@acs/contracts';
import { NotFoundError, toGrpcError, ValidationError, type FieldViolation } from '@acs/platform';

/** The preset YAML the fake understands: events as triggers, addTags as actions. */
interface RawPreset {
  name?: string;
  weight?: number;
  channel?: string;
  precondition?: string;
  enabled?: boolean;
  triggers?: string[];
  actions?: Array<{ addTags: string[] }>;
}

export const FAKE_TOKEN = 'acs_test-token';

const { TaskStatus } = acsV1;

/** A call as the fake saw it: which method, with which authorization metadata and request. */
export interface RecordedCall {
  method: string;
  authorization?: string;
  request: unknown;
}

/**
 * The acs.v1 services with simple in-memory behaviour, on a real grpc-js server on loopback, so the CLI's specs prove
 * what goes over the wire. Device ids choose how a task goes: `*-OK` is DONE, `*-FAULT` FAULTED, `*-STUCK` never ends.
 */
export class FakeAcs {
  readonly calls: RecordedCall[] = [];
  readonly devices: acsV1.Device[] = [];
  readonly tasks = new Map<string, acsV1.Task>();
  readonly presets = new Map<string, acsV1.Preset>();
  readonly events: acsV1.Event[] = [];
  /** Campaign id → its devices, for ListCampaignDevices (filtered by states as the ACS does). */
  readonly campaignDevices = new Map<string, acsV1.CampaignDevice[]>();
  /** The next this many WatchEvents calls send what matches and then end UNAVAILABLE, as a stopping pod does. */
  watchHangUps = 0;
  /** What ListDevices answers as `warnings`, as the ACS does for a filter with a likely typo. */
  listDeviceWarnings: string[] = [];
  /** Lists answer at most this many items per page, so paging is exercised. */
  maxPageSize = 2;
  private readonly server = new Server();
  private taskCount = 0;

  async start(): Promise<string> {
    this.server.addService(acsV1.DeviceServiceService, {
      listDevices: this.unary('ListDevices', (r: acsV1.ListDevicesRequest) => {
        const page = this.page(this.devices, r.pageSize, r.pageToken);
        return { devices: page.items, totalSize: this.devices.length, nextPageToken: page.next, warnings: this.listDeviceWarnings };
      }),
      getDevice: this.unary('GetDevice', (r: acsV1.GetDeviceRequest) => ({ device: this.device(r.deviceId) })),
      getDeviceParameters: this.unary('GetDeviceParameters', (r: acsV1.GetDeviceParametersRequest) => ({
        parameters: this.device(r.deviceId).parameters.filter((p) => p.path.startsWith(r.path)),
      })),
      tagDevice: this.unary('TagDevice', (r: acsV1.TagDeviceRequest) => {
        const device = this.device(r.deviceId);
        device.tags = [...new Set([...device.tags, ...r.tags])];
        return { tags: device.tags };
      }),
      untagDevice: this.unary('UntagDevice', (r: acsV1.UntagDeviceRequest) => {
        const device = this.device(r.deviceId);
        device.tags = device.tags.filter((t) => !r.tags.includes(t));
        return { tags: device.tags };
      }),
      deleteDevice: this.unary('DeleteDevice', (r: acsV1.DeleteDeviceRequest) => {
        this.devices.splice(this.devices.indexOf(this.device(r.deviceId)), 1);
        return {};
      }),
    });
    this.server.addService(acsV1.TaskServiceService, {
      createTask: this.unary('CreateTask', (r: acsV1.CreateTaskRequest) => {
        this.device(r.deviceId);
        if (!r.spec?.kind) throw ValidationError.forField('spec', 'a task needs a kind', 'REQUIRED');
        const id = `task-${++this.taskCount}`;
        const task = acsV1.Task.fromPartial({ id, deviceId: r.deviceId, spec: r.spec, status: TaskStatus.TASK_STATUS_PENDING, source: 'api', maxAttempts: r.maxAttempts || 3, revision: 1 });
        this.tasks.set(id, task);
        return { task, finished: false };
      }),
      getTask: this.unary('GetTask', (r: acsV1.GetTaskRequest) => ({ task: this.task(r.taskId) })),
      listTasks: this.unary('ListTasks', (r: acsV1.ListTasksRequest) => {
        const matching = [...this.tasks.values()].filter((t) => (!r.deviceId || t.deviceId === r.deviceId) && (r.statuses.length === 0 || r.statuses.includes(t.status)));
        const page = this.page(matching, r.pageSize, r.pageToken);
        return { tasks: page.items, nextPageToken: page.next };
      }),
      cancelTask: this.unary('CancelTask', (r: acsV1.CancelTaskRequest) => {
        const task = this.task(r.taskId);
        if (task.status === TaskStatus.TASK_STATUS_DONE) throw { code: status.FAILED_PRECONDITION, details: `task ${task.id} is already final` };
        return { task: this.update(task, { status: TaskStatus.TASK_STATUS_CANCELLED }) };
      }),
      retryTask: this.unary('RetryTask', (r: acsV1.RetryTaskRequest) => ({ task: this.update(this.task(r.taskId), { status: TaskStatus.TASK_STATUS_PENDING, attempts: 0 }) })),
      getTaskResult: this.unary('GetTaskResult', (r: acsV1.GetTaskResultRequest) => {
        const task = this.task(r.taskId);
        const values = ((task.result as { values?: acsV1.ParameterValue[] } | undefined)?.values ?? []).map((v) => acsV1.ParameterValue.fromPartial(v));
        const page = this.page(values, r.pageSize, r.pageToken);
        return { taskId: task.id, summary: task.resultSummary, parameterValues: page.items, entries: [], nextPageToken: page.next };
      }),
      watchTask: this.stream('WatchTask', (r: acsV1.WatchTaskRequest, call: ServerWritableStream<acsV1.WatchTaskRequest, acsV1.WatchTaskResponse>) => {
        const task = this.task(r.taskId);
        call.write({ task });
        this.playTask(task, call);
      }),
    });
    this.server.addService(acsV1.PresetServiceService, {
      createPreset: this.unary('CreatePreset', (r: acsV1.CreatePresetRequest) => {
        const preset = this.presetOf(r.source);
        if (this.presets.has(preset.name)) throw { code: status.ALREADY_EXISTS, details: `preset ${preset.name} exists` };
        this.presets.set(preset.name, { ...preset, updateTime: new Date() });
        return { preset };
      }),
      getPreset: this.unary('GetPreset', (r: acsV1.GetPresetRequest) => {
        const preset = this.presets.get(r.name);
        if (!preset) throw new NotFoundError('preset', r.name);
        return { preset };
      }),
      listPresets: this.unary('ListPresets', (r: acsV1.ListPresetsRequest) => {
        const page = this.page([...this.presets.values()], r.pageSize, r.pageToken);
        return { presets: page.items, nextPageToken: page.next };
      }),
      updatePreset: this.unary('UpdatePreset', (r: acsV1.UpdatePresetRequest) => {
        const preset = this.presetOf(r.source);
        if (!this.presets.has(preset.name)) throw new NotFoundError('preset', preset.name);
        this.presets.set(preset.name, { ...preset, updateTime: new Date() });
        return { preset };
      }),
      deletePreset: this.unary('DeletePreset', (r: acsV1.DeletePresetRequest) => {
        if (!this.presets.delete(r.name)) throw new NotFoundError('preset', r.name);
        return {};
      }),
      validatePreset: this.unary('ValidatePreset', (r: acsV1.ValidatePresetRequest) => ({ preset: this.presetOf(r.source) })),
    });
    this.server.addService(acsV1.FaultServiceService, {
      listFaults: this.unary('ListFaults', () => ({
        faults: [acsV1.Fault.fromPartial({ deviceId: 'OUI-PC-FAULT', channel: 'wan', code: '9002', message: 'Internal error', retries: 2 })],
        nextPageToken: '',
      })),
      clearFault: this.unary('ClearFault', () => ({})),
    });
    this.server.addService(acsV1.EventServiceService, {
      watchEvents: this.stream('WatchEvents', (r: acsV1.WatchEventsRequest, call: ServerWritableStream<acsV1.WatchEventsRequest, acsV1.WatchEventsResponse>) => {
        const wanted = (e: acsV1.Event): boolean =>
          (r.types.length === 0 || r.types.some((t) => (t.endsWith('.') ? e.type.startsWith(t) : e.type === t))) &&
          (r.deviceIds.length === 0 || r.deviceIds.includes(e.subject)) &&
          (r.since === undefined || e.time === undefined || e.time >= r.since);
        for (const event of this.events.filter(wanted)) call.write({ event });
        if (this.watchHangUps > 0) {
          this.watchHangUps--;
          call.emit('error', { code: status.UNAVAILABLE, details: 'server shutting down' });
          return;
        }
        // Then nothing more: the stream stays open until the client goes.
      }),
    });
    this.server.addService(acsV1.AuditServiceService, {
      listAuditRecords: this.unary('ListAuditRecords', () => ({
        records: this.calls.map((c, i) => acsV1.AuditRecord.fromPartial({ id: String(i), client: 'admin', method: `/acs.v1.X/${c.method}`, outcome: 'OK' })),
        nextPageToken: '',
      })),
    });
    // ListCampaignDevices only: the other campaign commands are proved against the standalone (campaigns.e2e-spec.ts).
    const campaigns: Partial<acsV1.CampaignServiceServer> = {
      listCampaignDevices: this.unary('ListCampaignDevices', (r: acsV1.ListCampaignDevicesRequest) => {
        const devices = this.campaignDevices.get(r.campaignId);
        if (!devices) throw new NotFoundError('campaign', r.campaignId);
        const page = this.page(
          devices.filter((d) => (r.states.length === 0 || r.states.includes(d.state)) && (r.wave === undefined || d.wave === r.wave)),
          r.pageSize,
          r.pageToken,
        );
        return { devices: page.items, nextPageToken: page.next };
      }),
    };
    this.server.addService(acsV1.CampaignServiceService, campaigns as acsV1.CampaignServiceServer);
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    return `127.0.0.1:${port}`;
  }

  stop(): void {
    this.server.forceShutdown();
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private unary<Req, Res>(method: string, handle: (request: Req) => Res): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      if (!this.admit(method, call.metadata, call.request)) return callback({ code: status.UNAUTHENTICATED, details: 'missing or unknown API token' });
      try {
        callback(null, handle(call.request));
      } catch (error) {
        callback(toGrpcError(error));
      }
    };
  }

  private stream<Req, Res>(method: string, handle: (request: Req, call: ServerWritableStream<Req, Res>) => void): handleServerStreamingCall<Req, Res> {
    return (call) => {
      if (!this.admit(method, call.metadata, call.request)) {
        call.emit('error', { code: status.UNAUTHENTICATED, details: 'missing or unknown API token' });
        return;
      }
      try {
        handle(call.request, call);
      } catch (error) {
        const { code, details, metadata } = toGrpcError(error);
        call.emit('error', { code, details, metadata });
      }
    };
  }

  private admit(method: string, metadata: Metadata, request: unknown): boolean {
    const [authorization] = metadata.get('authorization');
    this.calls.push({ method, request, ...(typeof authorization === 'string' ? { authorization } : {}) });
    return authorization === `Bearer ${FAKE_TOKEN}`;
  }

  /** Moves the task through the states its device id asks for, a few milliseconds apart, writing each. */
  private playTask(task: acsV1.Task, call: ServerWritableStream<acsV1.WatchTaskRequest, acsV1.WatchTaskResponse>): void {
    const steps: Array<Partial<acsV1.Task>> = [{ status: TaskStatus.TASK_STATUS_DISPATCHED, attempts: 1 }];
    if (task.deviceId.endsWith('-OK')) {
      const values = [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '2.0.1', type: 'xsd:string' }];
      const resultSummary = acsV1.TaskResultSummary.fromPartial({ entryKind: 'parameter_values', entryCount: 1, sizeBytes: 80, inline: true, parametersRead: 1 });
      steps.push({ status: TaskStatus.TASK_STATUS_DONE, result: { values }, resultSummary });
    } else if (task.deviceId.endsWith('-FAULT')) {
      steps.push({ status: TaskStatus.TASK_STATUS_FAULTED, fault: { code: '9002', message: 'Internal error', parameters: [], transient: false } });
    }
    let current = task;
    const next = (): void => {
      const step = steps.shift();
      if (!step || call.cancelled) {
        if (!call.cancelled && steps.length === 0 && !task.deviceId.endsWith('-STUCK')) call.end();
        return;
      }
      current = this.update(current, step);
      call.write({ task: current });
      setTimeout(next, 5);
    };
    setTimeout(next, 5);
  }

  private update(task: acsV1.Task, change: Partial<acsV1.Task>): acsV1.Task {
    const updated = { ...task, ...change, revision: task.revision + 1 };
    this.tasks.set(task.id, updated);
    return updated;
  }

  private device(id: string): acsV1.Device {
    const device = this.devices.find((d) => d.id === id);
    if (!device) throw new NotFoundError('device', id);
    return device;
  }

  private task(id: string): acsV1.Task {
    const task = this.tasks.get(id);
    if (!task) throw new NotFoundError('task', id);
    return task;
  }

  private page<T>(items: readonly T[], pageSize: number, pageToken: string): { items: T[]; next: string } {
    const start = pageToken === '' ? 0 : Number(pageToken);
    const end = start + Math.min(pageSize || 100, this.maxPageSize);
    return { items: items.slice(start, end), next: end < items.length ? String(end) : '' };
  }

  /** A small part of the real validation: enough to prove that the CLI sends the YAML and reports violations. */
  private presetOf(source: acsV1.CreatePresetRequest['source']): acsV1.Preset {
    if (source?.$case !== 'yaml') throw ValidationError.forField('source', 'the fake takes YAML only');
    const raw = parse(source.yaml) as RawPreset | null;
    const violations: FieldViolation[] = [];
    if (typeof raw?.name !== 'string') violations.push({ field: 'name', description: 'a preset needs a name', reason: 'REQUIRED' });
    if (!Array.isArray(raw?.triggers) || raw.triggers.length === 0) violations.push({ field: 'triggers', description: 'yaml: line 2: at least one trigger', reason: 'REQUIRED' });
    if (violations.length > 0) throw new ValidationError('invalid preset', violations);
    return acsV1.Preset.fromPartial({
      name: raw!.name,
      weight: raw!.weight ?? 0,
      channel: raw!.channel ?? 'default',
      precondition: raw!.precondition ?? '',
      enabled: raw!.enabled ?? true,
      triggers: raw!.triggers!.map((event) => ({ kind: { $case: 'event' as const, event } })),
      actions: (raw!.actions ?? []).map((a) => ({ kind: { $case: 'addTags' as const, addTags: { tags: a.addTags } } })),
    });
  }
}
