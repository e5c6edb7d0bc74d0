import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acsV1 } from '@acs/contracts';
import { GroupGrpcController } from '@acs/grouping';
import { GroupingFixture } from '@acs/grouping/testing';
import { GrpcServerHost } from '@acs/platform';
import { run } from '../acsctl';

const TIER = 'Device.X_Tier';
const dev = (i: number) => `00259E-HG8245H-SN${i}`;

/**
 * `acsctl groups …` and `devices groups` against grouping's real GroupService controller on its use cases (embedded
 * store, an in-memory inventory of six devices: even ones "business", odd ones "home"), over gRPC on loopback.
 */
describe('acsctl groups against the GroupService', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acsctl-groups-'));
  let fixture: GroupingFixture;
  let host: GrpcServerHost;
  let server: string;
  const calls: string[] = [];

  beforeEach(async () => {
    fixture = await GroupingFixture.open(Array.from({ length: 6 }, (_, i) => ({ id: dev(i), parameters: { [TIER]: i % 2 === 0 ? 'business' : 'home' } })));
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    const implementation = new GroupGrpcController(fixture.useCases).implementation;
    // Which methods the CLI called, in order: each wrapped handler records its name.
    const recorded = Object.fromEntries(
      Object.entries(implementation).map(([method, handler]) => [method, (...args: unknown[]) => (calls.push(method), (handler as (...a: unknown[]) => unknown)(...args))]),
    );
    host.addService(acsV1.GroupServiceService, recorded as unknown as acsV1.GroupServiceServer);
    server = `127.0.0.1:${await host.start()}`;
    calls.length = 0;
  });

  afterEach(async () => {
    await host.stop(0);
    await fixture.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function acsctl(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ACSCTL_SERVER: server, ACSCTL_TOKEN: 'acs_test-token' }, cwd: dir });
    return { code, stdout, stderr };
  }

  async function json<T>(argv: string[]): Promise<T> {
    const result = await acsctl([...argv, '-o', 'json']);
    expect(result).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout) as T;
  }

  it('creates a dynamic group and a static one nested in it by name, lists them with the parent by name, gets one by name', async () => {
    const business = await json<{ group: acsV1.Group; evaluation: acsV1.GroupEvaluation }>(['groups', 'create', 'business', '--filter', `${TIER} = "business"`, '--description', 'paying']);
    expect(business.group).toMatchObject({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, description: 'paying' });
    expect(business.evaluation).toMatchObject({ members: 3, joined: 3, groups: 1 });

    const pilot = await acsctl(['groups', 'create', 'pilot', '--static', '--parent', 'business']);
    expect(pilot.code).toBe(0);
    expect(pilot.stdout).toMatch(/^id: +group-2$/m);
    expect(pilot.stdout).toMatch(/^kind: +static$/m);
    expect(pilot.stdout).toMatch(/^parent: +business \(group-1\)$/m);
    expect(pilot.stdout).toMatch(/^evaluation: +0 member\(s\) \(0 joined, 0 left\) over 1 group\(s\), \d+ ms$/m);

    const listed = await acsctl(['groups', 'list']);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+NAME\s+KIND\s+PARENT\s+RULE\s+UPDATED\s+DESCRIPTION$/);
    expect(rows).toEqual([
      expect.stringMatching(/^group-1\s+business\s+dynamic\s+Device\.X_Tier = "business"\s+\S+Z\s+paying$/),
      expect.stringMatching(/^group-2\s+pilot\s+static\s+business\s+\(list\)\s+\S+Z$/),
    ]);
    expect(listed.stderr).toBe('2 group(s)\n');
    const csv = await acsctl(['groups', 'list', '-o', 'csv']);
    expect(csv.stdout.split('\r\n')[2]).toMatch(/^group-2,pilot,static,business,\(list\),/);

    const got = await acsctl(['groups', 'get', 'business']);
    expect(got.stdout).toMatch(/^members: +3$/m);
    expect(got.stdout).toMatch(/^rule: +Device\.X_Tier = "business"$/m);
    // By id as well; a name is resolved with ListGroups first.
    expect((await json<acsV1.GetGroupResponse>(['groups', 'get', 'group-1'])).memberCount).toBe(3);
    expect(calls.slice(-2)).toEqual(['listGroups', 'getGroup']);
  });

  it("adds and removes a static group's devices by id and by filter, lists and exports its members, and a device's groups", async () => {
    await acsctl(['groups', 'create', 'pilot', '--static']);
    expect((await acsctl(['groups', 'add', 'pilot', dev(1), dev(2)])).stdout).toMatch(/^2 device\(s\) added to the list; 2 member\(s\) \(2 joined, 0 left\) over 1 group\(s\), \d+ ms\n$/);
    const byFilter = await json<acsV1.AddGroupMembersResponse>(['groups', 'add', 'pilot', '--filter', `${TIER} = "business"`]);
    expect(byFilter).toMatchObject({ changed: 2, evaluation: { members: 4, joined: 2 } });
    expect((await acsctl(['groups', 'remove', 'pilot', dev(1), 'unknown'])).stdout).toMatch(/^1 device\(s\) removed from the list; 3 member\(s\) \(0 joined, 1 left\)/);

    const exported = await acsctl(['groups', 'members', 'pilot', '--all', '-o', 'csv']);
    expect(exported).toEqual({ code: 0, stdout: ['DEVICE', dev(0), dev(2), dev(4), ''].join('\r\n'), stderr: '3 of 3 member(s)\n' });
    const firstTwo = await acsctl(['groups', 'members', 'pilot', '--limit', '2']);
    expect(firstTwo.stdout).toBe(`DEVICE\n${dev(0)}\n${dev(2)}\n`);
    expect(firstTwo.stderr).toBe('2 of 3 member(s); --all or --limit N for more\n');
    expect(await json<{ deviceIds: string[]; totalSize: number }>(['groups', 'members', 'pilot', '--all'])).toEqual({ deviceIds: [dev(0), dev(2), dev(4)], totalSize: 3 });

    await acsctl(['groups', 'create', 'home', '--filter', `${TIER} = "home"`]);
    const groups = await acsctl(['devices', 'groups', dev(2)]);
    expect(groups.stdout.trimEnd().split('\n').slice(1).map((row) => row.split(/\s+/)[1])).toEqual(['pilot']);
    expect((await json<acsV1.ListDeviceGroupsResponse>(['devices', 'groups', dev(3)])).groups.map((g) => g.name)).toEqual(['home']);
  });

  it('refuses a cycle (CYCLE), a stale revision (ABORTED) and deleting a parent (GROUP_HAS_CHILDREN), with the reasons printed', async () => {
    await acsctl(['groups', 'create', 'business', '--filter', `${TIER} = "business"`]);
    await acsctl(['groups', 'create', 'first two', '--filter', `id < "${dev(3)}"`, '--parent', 'business']);

    const cycle = await acsctl(['groups', 'update', 'business', '--parent', 'first two']);
    expect(cycle.code).toBe(1);
    expect(cycle.stderr).toMatch(/^error: INVALID_ARGUMENT: .*\n {2}parentId: .*\[CYCLE\]\n$/);
    const stale = await acsctl(['groups', 'update', 'business', '--description', 'x', '--revision', '7']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/^error: ABORTED: /);
    const parent = await acsctl(['groups', 'delete', 'business']);
    expect(parent.code).toBe(1);
    expect(parent.stderr).toContain('reason: GROUP_HAS_CHILDREN');

    // Made top-level, the nested group is evaluated over every device again.
    const moved = await acsctl(['groups', 'update', 'first two', '--parent', '', '--name', 'first three']);
    expect(moved.stdout).toMatch(/^name: +first three$/m);
    expect(moved.stdout).not.toMatch(/^parent:/m);
    expect(moved.stdout).toMatch(/^evaluation: +3 member\(s\) \(1 joined, 0 left\)/m);
    expect((await acsctl(['groups', 'delete', 'business'])).stdout).toBe('deleted group business (3 member(s))\n');
  });

  it('evaluates a group on demand, catching up a tag no event told', async () => {
    await acsctl(['groups', 'create', 'lab', '--filter', 'tag = "lab"']);
    fixture.inventory.put({ id: dev(5), parameters: { [TIER]: 'home' }, tags: ['lab'] });
    expect((await acsctl(['groups', 'evaluate', 'lab'])).stdout).toMatch(/^1 member\(s\) \(1 joined, 0 left\) over 1 group\(s\), \d+ ms\n$/);
  });

  it('refuses wrong command lines before calling: no kind, both kinds, ids and a filter, nothing to change', async () => {
    for (const argv of [
      ['groups', 'create', 'x'],
      ['groups', 'create', 'x', '--static', '--filter', 'tag = "a"'],
      ['groups', 'add', 'x', dev(1), '--filter', 'tag = "a"'],
      ['groups', 'remove', 'x'],
      ['groups', 'update', 'x'],
    ]) {
      const result = await acsctl(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`^error: .*\\n\\nusage: acsctl ${argv[0]} ${argv[1]} `));
    }
    expect(calls).toEqual([]);
  });

  it('reports an unknown group with the server\'s NOT_FOUND, naming it', async () => {
    const result = await acsctl(['groups', 'members', 'nope']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: NOT_FOUND: .*nope/);
  });
});
