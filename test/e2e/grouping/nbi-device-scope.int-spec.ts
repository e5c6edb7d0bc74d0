import { groupingClient, provisioningClient, type GroupingClient, type ProvisioningClient } from '@acs/clients';
import { acsV1 as pb } from '@acs/contracts';
import { GroupGrpcController } from '@acs/grouping';
import { GroupingFixture } from '@acs/grouping/testing';
import { BackendRelay, DeviceScopeChecker, generateApiToken, parseClientRegistry } from '@acs/nbi';
import { eventually, startSecuredServer, type SecuredServer } from '@acs/nbi/testing';
import { GrpcServerHost } from '@acs/platform';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

const SITE = 'Device.X_Site';
const A1 = '00259E-HG8245H-A1';
const A2 = '00259E-HG8245H-A2';
const B1 = '00259E-HG8245H-B1';

function task(id: string, deviceId: string): pb.Task {
  return { id, deviceId, status: pb.TaskStatus.TASK_STATUS_PENDING, source: 'api', channel: 'default', attempts: 0, maxAttempts: 1, workItemIds: [], revision: 1, awaitEventCode: '' };
}

/**
 * Roles scoped to device groups, through the NBI's security interceptor and relays: grouping is the real use-case
 * core on its embedded store behind its gRPC controller (it says who is a member); provisioning is a small backend
 * that answers every device and the tasks t-a (device A1) and t-b (device B1), and records what reached it.
 */
describe('NBI: a client whose roles are scoped to device groups', () => {
  const contractor = generateApiToken();
  const admin = generateApiToken();
  let grouping: GroupingFixture;
  let groupingHost: GrpcServerHost;
  let provisioningHost: GrpcServerHost;
  let nbi: SecuredServer;
  let relays: BackendRelay[];
  let scopeClients: Array<GroupingClient | ProvisioningClient>;
  let asContractor: ProvisioningClient;
  let asAdmin: ProvisioningClient;
  let contractorGroups: GroupingClient;
  const reached: string[] = [];

  beforeAll(async () => {
    grouping = await GroupingFixture.open([
      { id: A1, parameters: { [SITE]: 'a' } },
      { id: A2, parameters: { [SITE]: 'a' } },
      { id: B1, parameters: { [SITE]: 'b' } },
    ]);
    await grouping.useCases.createGroup.execute({ name: 'site-a', kind: 'dynamic', filter: `${SITE} = "a"`, createdBy: 'spec' });
    groupingHost = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    groupingHost.addService(pb.GroupServiceService, new GroupGrpcController(grouping.useCases).implementation);
    const groupingAddress = `127.0.0.1:${await groupingHost.start()}`;

    const unimplemented = (_call: unknown, callback: (error: Partial<ServiceError>) => void) => callback({ code: status.UNIMPLEMENTED, details: 'not in this test' });
    const devices: pb.DeviceServiceServer = {
      listDevices: (_call, callback) => callback(null, pb.ListDevicesResponse.fromPartial({ devices: [A1, A2, B1].map((id) => pb.Device.fromPartial({ id })), totalSize: 3 })),
      getDevice: (call, callback) => callback(null, { device: pb.Device.fromPartial({ id: call.request.deviceId }) }),
      getDeviceParameters: unimplemented,
      tagDevice: (call, callback) => {
        reached.push(`TagDevice ${call.request.deviceId}`);
        callback(null, { tags: call.request.tags });
      },
      untagDevice: unimplemented,
      deleteDevice: unimplemented,
    };
    const deviceOf = (taskId: string) => (taskId === 't-a' ? A1 : B1);
    const tasks: pb.TaskServiceServer = {
      createTask: unimplemented,
      getTask: (call, callback) => callback(null, { task: task(call.request.taskId, deviceOf(call.request.taskId)) }),
      listTasks: (_call, callback) => callback(null, { tasks: [task('t-a', A1), task('t-b', B1)], nextPageToken: '' }),
      cancelTask: (call, callback) => {
        reached.push(`CancelTask ${call.request.taskId}`);
        callback(null, { task: task(call.request.taskId, deviceOf(call.request.taskId)) });
      },
      retryTask: unimplemented,
      watchTask: (call) => {
        call.write({ task: task(call.request.taskId, deviceOf(call.request.taskId)) });
        call.end();
      },
      getTaskResult: unimplemented,
    };
    provisioningHost = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    provisioningHost.addService(pb.DeviceServiceService, devices).addService(pb.TaskServiceService, tasks);
    const provisioningAddress = `127.0.0.1:${await provisioningHost.start()}`;

    const groupsOfDevices = groupingClient({ address: groupingAddress });
    const tasksOfDevices = provisioningClient({ address: provisioningAddress });
    scopeClients = [groupsOfDevices, tasksOfDevices];
    // Each device's groups read afresh on every call: the spec moves a device into the group and expects it seen.
    const checker = new DeviceScopeChecker({
      groupsOf: async (deviceId) => (await groupsOfDevices.groups.listDeviceGroups({ deviceId })).groups,
      deviceOfTask: async (taskId) => (await tasksOfDevices.tasks.getTask({ taskId })).task?.deviceId ?? '',
      ttlMs: 0,
    });
    relays = [
      new BackendRelay({ dependency: 'provisioning', services: [pb.DeviceServiceService, pb.TaskServiceService], transport: { address: provisioningAddress } }, { checker }),
      new BackendRelay({ dependency: 'grouping', services: [pb.GroupServiceService], transport: { address: groupingAddress } }, { checker }),
    ];
    const registry = parseClientRegistry(
      `
roles:
  site-a: { scope: { groups: [site-a] }, devices: [view, change], tasks: [view, delete] }
clients:
  - name: contractor
    roles: [site-a]
    tokens: [{ sha256: ${contractor.sha256} }]
  - name: ops
    roles: [admin]
    tokens: [{ sha256: ${admin.sha256} }]
`,
      'clients.yaml',
    );
    nbi = await startSecuredServer({ clients: { current: registry }, services: relays.flatMap((relay) => relay.services()), deviceScopes: true });
    const withToken = (token: string) => ({ metadata: bearer(token) });
    asContractor = wrap(provisioningClient({ address: nbi.address }), withToken(contractor.token));
    asAdmin = wrap(provisioningClient({ address: nbi.address }), withToken(admin.token));
    contractorGroups = groupingClient({ address: nbi.address });
  });

  afterAll(async () => {
    for (const client of [asContractor, asAdmin, contractorGroups, ...scopeClients]) client.close();
    for (const relay of relays ?? []) relay.close();
    await nbi?.stop();
    await provisioningHost?.stop(0);
    await groupingHost?.stop(0);
    await grouping?.close();
  });

  async function refusal(call: Promise<unknown>): Promise<ServiceError> {
    const error = await call.then(
      () => undefined,
      (e: ServiceError) => e,
    );
    if (!error) throw new Error('the call was allowed');
    return error;
  }

  it('lists only the devices of its groups, without a total; an unscoped client sees every device and the total', async () => {
    expect(await asContractor.devices.listDevices(pb.ListDevicesRequest.fromPartial({}))).toMatchObject({ devices: [{ id: A1 }, { id: A2 }], totalSize: 0 });
    expect(await asAdmin.devices.listDevices(pb.ListDevicesRequest.fromPartial({}))).toMatchObject({ devices: [{ id: A1 }, { id: A2 }, { id: B1 }], totalSize: 3 });
    expect((await asContractor.tasks.listTasks(pb.ListTasksRequest.fromPartial({}))).tasks.map((t) => t.id)).toEqual(['t-a']);
  });

  it('is refused a device outside its groups (PERMISSION_DENIED, audited for a change, the backend never reached), served one inside', async () => {
    expect((await asContractor.devices.getDevice(pb.GetDeviceRequest.fromPartial({ deviceId: A1 }))).device?.id).toBe(A1);
    const read = await refusal(asContractor.devices.getDevice(pb.GetDeviceRequest.fromPartial({ deviceId: B1 })));
    expect(status[read.code]).toBe('PERMISSION_DENIED');
    expect(read.details).toContain('site-a');
    const tag = await refusal(asContractor.devices.tagDevice({ deviceId: B1, tags: ['x'] }));
    expect(status[tag.code]).toBe('PERMISSION_DENIED');
    expect(reached).not.toContain(`TagDevice ${B1}`);
    const audited = () => nbi.audit.entries.find((entry) => entry.method.endsWith('/TagDevice') && entry.target === B1);
    await eventually(() => audited() !== undefined, 'the refused TagDevice audited');
    expect(audited()).toMatchObject({ client: 'contractor', outcome: 'PERMISSION_DENIED' });
    await asContractor.devices.tagDevice({ deviceId: A2, tags: ['x'] });
    expect(reached).toContain(`TagDevice ${A2}`);
  });

  it('is held to the device of a task it names: get, cancel and watch', async () => {
    expect((await asContractor.tasks.getTask({ taskId: 't-a' })).task?.deviceId).toBe(A1);
    expect(status[(await refusal(asContractor.tasks.getTask({ taskId: 't-b' }))).code]).toBe('PERMISSION_DENIED');
    expect(status[(await refusal(asContractor.tasks.cancelTask({ taskId: 't-b' }))).code]).toBe('PERMISSION_DENIED');
    expect(reached).not.toContain('CancelTask t-b');
    const stream = asContractor.tasks.watchTask({ taskId: 't-b' });
    const streamError = await new Promise<ServiceError>((resolve) => {
      stream.on('data', () => undefined);
      stream.on('error', resolve);
    });
    expect(status[streamError.code]).toBe('PERMISSION_DENIED');
  });

  it('sees a device once it joins the group, and reaches nothing its roles do not grant', async () => {
    expect(status[(await refusal(asContractor.devices.getDevice(pb.GetDeviceRequest.fromPartial({ deviceId: B1 })))).code]).toBe('PERMISSION_DENIED');
    await grouping.valueChange(B1, { [SITE]: 'a' });
    expect((await asContractor.devices.getDevice(pb.GetDeviceRequest.fromPartial({ deviceId: B1 }))).device?.id).toBe(B1);
    // Groups are not granted to its scoped role (nor could they be).
    const groups = await refusal(contractorGroups.groups.listGroups({}, { metadata: bearer(contractor.token) }));
    expect(status[groups.code]).toBe('PERMISSION_DENIED');
    expect((await contractorGroups.groups.listGroups({}, { metadata: bearer(admin.token) })).groups.map((g) => g.name)).toEqual(['site-a']);
  });
});

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/** The client with `options` (the caller's token) on every call. */
function wrap(client: ProvisioningClient, options: { metadata: Metadata }): ProvisioningClient {
  const withOptions = <S extends object>(service: S): S =>
    new Proxy(service, {
      get: (target, key) => {
        const value = (target as Record<string | symbol, unknown>)[key];
        return typeof value === 'function' && key !== 'close' ? (request: unknown) => (value as (r: unknown, o: unknown) => unknown).call(target, request, { metadata: options.metadata.clone() }) : value;
      },
    });
  return { ...client, devices: withOptions(client.devices), tasks: withOptions(client.tasks), presets: withOptions(client.presets), close: () => client.close() } as ProvisioningClient;
}
