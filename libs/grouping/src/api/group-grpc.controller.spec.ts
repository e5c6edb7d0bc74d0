import { groupingClient, type GroupingClient } from '@acs/clients';
import { acsV1 as pb, REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { errorDetailsOf, GrpcServerHost } from '@acs/platform';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

import { GroupingFixture } from '../testing/grouping-fixture';
import { GroupGrpcController } from './group-grpc.controller';

const TIER = 'Device.X_Tier';
const dev = (i: number) => `00259E-HG8245H-SN${i}`;

/** The controller over gRPC on the grouping use cases (embedded store, in-memory inventory of six devices). */
describe('GroupGrpcController over gRPC', () => {
  let fixture: GroupingFixture;
  let host: GrpcServerHost;
  let client: GroupingClient;
  let ticks = 0;

  beforeEach(async () => {
    fixture = await GroupingFixture.open(Array.from({ length: 6 }, (_, i) => ({ id: dev(i), parameters: { [TIER]: i % 2 === 0 ? 'business' : 'home' } })));
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    // A clock that moves 5 ms per reading: the durations are what it says.
    host.addService(pb.GroupServiceService, new GroupGrpcController(fixture.useCases, () => (ticks += 5)).implementation);
    client = groupingClient({ address: `127.0.0.1:${await host.start()}` });
  });

  afterEach(async () => {
    client.close();
    await host.stop(0);
    await fixture.close();
  });

  async function failure(call: Promise<unknown>): Promise<ServiceError> {
    const error = await call.then(
      () => undefined,
      (e: ServiceError) => e,
    );
    if (!error) throw new Error('the call succeeded');
    return error;
  }

  it('creates a dynamic group with its evaluation, gets it with its member count, lists it, and records who created it', async () => {
    const metadata = new Metadata();
    metadata.set(REQUESTED_BY_METADATA_KEY, 'ops');
    const created = await client.groups.createGroup({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, parentId: '', description: 'paying' }, { metadata });
    expect(created.group).toMatchObject({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, parentId: '', description: 'paying', createdBy: 'ops', revision: 1 });
    expect(created.evaluation).toEqual({ members: 3, joined: 3, left: 0, groups: 1, durationMs: 5 });
    const got = await client.groups.getGroup({ groupId: created.group!.id });
    expect(got.memberCount).toBe(3);
    expect(got.group?.createTime).toEqual(new Date(fixture.clock.now));
    expect((await client.groups.listGroups({})).groups.map((g) => g.name)).toEqual(['business']);
  });

  it('adds and removes a static group\'s members by ids and by a filter, pages them by keyset, and answers a device\'s groups', async () => {
    const { group } = await client.groups.createGroup({ name: 'pilot', kind: 'static', filter: '', parentId: '', description: '' });
    const added = await client.groups.addGroupMembers({ groupId: group!.id, selection: { selection: { $case: 'deviceIds', deviceIds: { ids: [dev(1), dev(2)] } } } });
    expect(added).toMatchObject({ changed: 2, evaluation: { members: 2, joined: 2 } });
    const byFilter = await client.groups.addGroupMembers({ groupId: group!.id, selection: { selection: { $case: 'filter', filter: `${TIER} = "business"` } } });
    expect(byFilter).toMatchObject({ changed: 2, evaluation: { members: 4, joined: 2 } });

    const first = await client.groups.listGroupMembers({ groupId: group!.id, pageSize: 3, pageToken: '' });
    expect(first).toMatchObject({ deviceIds: [dev(0), dev(1), dev(2)], totalSize: 4 });
    const second = await client.groups.listGroupMembers({ groupId: group!.id, pageSize: 3, pageToken: first.nextPageToken });
    expect(second).toEqual({ deviceIds: [dev(4)], totalSize: 4, nextPageToken: '' });

    const removed = await client.groups.removeGroupMembers({ groupId: group!.id, selection: { selection: { $case: 'deviceIds', deviceIds: { ids: [dev(1), 'unknown'] } } } });
    expect(removed).toMatchObject({ changed: 1, evaluation: { members: 3, left: 1 } });
    expect((await client.groups.listDeviceGroups({ deviceId: dev(2) })).groups.map((g) => g.name)).toEqual(['pilot']);
    expect((await client.groups.listDeviceGroups({ deviceId: dev(1) })).groups).toEqual([]);
  });

  it('refuses a page token of another group, and a missing selection', async () => {
    const a = (await client.groups.createGroup({ name: 'a', kind: 'dynamic', filter: '', parentId: '', description: '' })).group!;
    const b = (await client.groups.createGroup({ name: 'b', kind: 'dynamic', filter: '', parentId: '', description: '' })).group!;
    const page = await client.groups.listGroupMembers({ groupId: a.id, pageSize: 1, pageToken: '' });
    const error = await failure(client.groups.listGroupMembers({ groupId: b.id, pageSize: 1, pageToken: page.nextPageToken }));
    expect(status[error.code]).toBe('INVALID_ARGUMENT');
    expect(errorDetailsOf(error).badRequest?.fieldViolations[0]).toMatchObject({ field: 'page_token' });
    const noSelection = await failure(client.groups.addGroupMembers({ groupId: a.id }));
    expect(errorDetailsOf(noSelection).badRequest?.fieldViolations[0]).toMatchObject({ field: 'selection', reason: 'REQUIRED' });
  });

  it('nests a group, refuses a cycle with CYCLE, a stale revision with ABORTED, deleting a parent with FAILED_PRECONDITION', async () => {
    const parent = (await client.groups.createGroup({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, parentId: '', description: '' })).group!;
    const child = await client.groups.createGroup({ name: 'first two', kind: 'dynamic', filter: `id < "${dev(3)}"`, parentId: parent.id, description: '' });
    expect(child.evaluation).toMatchObject({ members: 2 });

    const cycle = await failure(client.groups.updateGroup({ groupId: parent.id, parentId: child.group!.id }));
    expect(status[cycle.code]).toBe('INVALID_ARGUMENT');
    expect(errorDetailsOf(cycle).badRequest?.fieldViolations[0]).toMatchObject({ field: 'parentId', reason: 'CYCLE' });

    const stale = await failure(client.groups.updateGroup({ groupId: parent.id, revision: 7, description: 'x' }));
    expect(status[stale.code]).toBe('ABORTED');

    const hasChildren = await failure(client.groups.deleteGroup({ groupId: parent.id }));
    expect(status[hasChildren.code]).toBe('FAILED_PRECONDITION');
    expect(errorDetailsOf(hasChildren).errorInfo?.reason).toBe('GROUP_HAS_CHILDREN');

    // Made top-level (an empty parent_id), the child is re-evaluated over every device; unchanged fields stay.
    const moved = await client.groups.updateGroup({ groupId: child.group!.id, parentId: '' });
    expect(moved.group).toMatchObject({ parentId: '', filter: `id < "${dev(3)}"`, revision: 2 });
    expect(moved.evaluation).toMatchObject({ members: 3, joined: 1 });
    const renamed = await client.groups.updateGroup({ groupId: child.group!.id, name: 'first three' });
    expect(renamed.evaluation).toBeUndefined();
    expect(await client.groups.deleteGroup({ groupId: parent.id })).toEqual({ members: 3 });
  });

  it('evaluates a group on demand: a tag provisioning holds but no event told is caught up', async () => {
    const tagged = (await client.groups.createGroup({ name: 'lab', kind: 'dynamic', filter: 'tag = "lab"', parentId: '', description: '' })).group!;
    fixture.inventory.put({ id: dev(5), parameters: { [TIER]: 'home' }, tags: ['lab'] });
    expect((await client.groups.evaluateGroup({ groupId: tagged.id })).evaluation).toEqual({ members: 1, joined: 1, left: 0, groups: 1, durationMs: 5 });
  });

  it('answers NOT_FOUND for an unknown group and INVALID_ARGUMENT naming a wrong filter and a missing id', async () => {
    expect(status[(await failure(client.groups.getGroup({ groupId: 'nope' }))).code]).toBe('NOT_FOUND');
    const badFilter = await failure(client.groups.createGroup({ name: 'x', kind: 'dynamic', filter: 'softwareVersion ==', parentId: '', description: '' }));
    expect(errorDetailsOf(badFilter).badRequest?.fieldViolations[0]).toMatchObject({ field: 'filter', reason: 'BAD_FORMAT' });
    const staticWithFilter = await failure(client.groups.createGroup({ name: 'x', kind: 'static', filter: 'tag = "a"', parentId: '', description: '' }));
    expect(errorDetailsOf(staticWithFilter).badRequest?.fieldViolations[0]).toMatchObject({ field: 'filter' });
    expect(errorDetailsOf(await failure(client.groups.getGroup({ groupId: '' }))).badRequest?.fieldViolations[0]).toMatchObject({ field: 'group_id', reason: 'REQUIRED' });
  });
});
