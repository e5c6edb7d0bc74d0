import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import type { SimulatedCpe } from '@acs/cpe-sim';
import { errorDetailsOf } from '@acs/platform';

import { call, type AcsV1Clients } from '../../nbi/support/nbi-client';
import { REPO_ROOT } from '../../support/processes';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');

/** The parameter the groups read: a value the simulated CPEs report by themselves when it changes (active notification). */
export const NTP_SERVER = 'Device.Time.NTPServer1';
const NTP_A = 'ntp-a.example.net';
const NTP_DEFAULT = 'pool.ntp.org';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The built acsctl (`dist/apps/acsctl`) as an operator runs it, against `server` with `token`. */
export function builtAcsctl(server: string, token: string): (args: string[]) => Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  return (args) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: server, ACSCTL_TOKEN: token };
    delete env.ACSCTL_TOKEN_FILE;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  };
}

/**
 * The `acs.group` events of WatchEvents (the NBI's event stream) from when it was created, kept in order and
 * de-duplicated by id. A stream the server refuses or ends (its event hub has not joined the topics yet, a pod
 * stopping) is opened again from the same `since`: nothing is missed, repeats are dropped.
 */
export class GroupEventLog {
  readonly events: acsV1.Event[] = [];
  private readonly ids = new Set<string>();
  private readonly since = new Date();
  private stream: ClientReadableStream<acsV1.WatchEventsResponse> | undefined;
  private closed = false;
  private lastError: ServiceError | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: AcsV1Clients) {
    this.open();
  }

  /** `joined|left <group name> <device> (<reason>)`, for the membership events of the groups named. */
  memberships(groupNames: readonly string[]): string[] {
    return this.events
      .filter((e) => (e.type === 'acs.group.device-joined' || e.type === 'acs.group.device-left') && groupNames.includes(String(e.data?.groupName)))
      .map((e) => `${e.type === 'acs.group.device-joined' ? 'joined' : 'left'} ${String(e.data!.groupName)} ${e.subject} (${String(e.data!.reason)})`);
  }

  /** Resolves once `done` holds for the events so far; rejects after `timeoutMs` with what came (a bound, not a timing). */
  until(done: (log: GroupEventLog) => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done(this)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        const seen = this.events.map((e) => `${e.type} ${e.subject} ${JSON.stringify(e.data)}`).join('\n  ');
        reject(new Error(`${what}: not seen within ${timeoutMs} ms${this.lastError ? ` (last stream error: ${this.lastError.message})` : ''}; events:\n  ${seen}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  close(): void {
    this.closed = true;
    this.stream?.cancel();
  }

  private open(): void {
    if (this.closed) return;
    const stream = this.api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types: ['acs.group.'], since: this.since }));
    this.stream = stream;
    stream.on('data', (message: acsV1.WatchEventsResponse) => {
      const event = message.event!;
      if (this.ids.has(event.id)) return;
      this.ids.add(event.id);
      this.events.push(event);
      for (const listener of [...this.listeners]) listener();
    });
    stream.on('error', (error: ServiceError) => {
      if (this.closed && error.code === status.CANCELLED) return;
      this.lastError = error;
      // OUT_OF_RANGE: the pod's event hub has not joined the topics yet; UNAVAILABLE: it is stopping or starting.
      if (!this.closed) setTimeout(() => this.open(), 250);
    });
  }
}

/** What the acceptance runs against: the public API, the built CLI on it, and the simulated CPEs (at least three). */
export interface GroupsAcceptanceTarget {
  api: AcsV1Clients;
  acsctl(args: string[]): Promise<CliResult>;
  cpes: readonly SimulatedCpe[];
}

/**
 * The groups acceptance of issue 14, the same on the standalone and the distributed ACS: a dynamic group over a value
 * the CPEs report (active notification → `4 VALUE CHANGE` → `acs.device.parameters-changed`), a group nested in it,
 * devices joining and leaving as their value changes, the `acs.group` events with their reasons through WatchEvents,
 * a cycle refused, the membership listed and exported with acsctl. Defines its tests in a describe inside the
 * caller's; `target()` is called once the caller's beforeAll has run.
 */
export function describeGroupsAcceptance(target: () => GroupsAcceptanceTarget, options: { waitMs: number }): void {
  const { waitMs } = options;
  // Each test waits for its events at most waitMs, twice for the steps that wait twice, and calls the CLI a few times.
  const testTimeoutMs = 2 * waitMs + 60_000;
  // A describe of its own: its afterAll (closing the event stream) runs before the caller's stops the processes.
  describe('groups acceptance', () => {
    const PARENT = 'ntp-a';
    const NESTED = 'ntp-a pair';
    let t: GroupsAcceptanceTarget;
    let log: GroupEventLog;
    // Devices 0, 1 and 2 move to ntp-a; 0 and 1 are the nested group's pair; 0 moves back.
    const device = (i: number) => t.cpes[i].deviceId;
    const serial = (i: number) => t.cpes[i].deviceId.split('-').at(-1)!;
    const groups = new Map<string, acsV1.Group>();

    beforeAll(() => {
      t = target();
      if (t.cpes.length < 3) throw new Error('the groups acceptance needs at least three CPEs');
      // Changes made on the CPE (not by the ACS) with active notification open a session by themselves.
      for (const cpe of t.cpes) cpe.model.setAttributes(NTP_SERVER, { notification: 2 });
      log = new GroupEventLog(t.api);
    });

    afterAll(() => log?.close());

    async function members(name: string): Promise<string[]> {
      const exported = await t.acsctl(['groups', 'members', name, '--all', '-o', 'csv']);
      expect(exported).toMatchObject({ code: 0 });
      const [header, ...ids] = exported.stdout.trimEnd().split('\r\n');
      expect(header).toBe('DEVICE');
      return ids;
    }

    function setNtpServer(indexes: readonly number[], value: string): void {
      for (const i of indexes) t.cpes[i].model.set(NTP_SERVER, value);
    }

    it('creates a dynamic group over a reported value and a group nested in it with acsctl; nobody is in them yet', async () => {
      const parent = await t.acsctl(['groups', 'create', PARENT, '--filter', `${NTP_SERVER} = "${NTP_A}"`, '--description', 'devices on the ntp-a servers', '-o', 'json']);
      expect(parent).toMatchObject({ code: 0 });
      const created = JSON.parse(parent.stdout) as { group: { id: string; kind: string }; evaluation: { members: number } };
      expect(created.group.kind).toBe('dynamic');
      // JSON leaves zeros out (proto3 defaults).
      expect(created.evaluation.members ?? 0).toBe(0);
      const nested = await t.acsctl(['groups', 'create', NESTED, '--filter', `serialNumber IN ("${serial(0)}", "${serial(1)}")`, '--parent', PARENT, '-o', 'json']);
      expect(nested).toMatchObject({ code: 0 });
      expect(JSON.parse(nested.stdout)).toMatchObject({ group: { parentId: created.group.id } });
      expect(JSON.parse(nested.stdout).evaluation.members ?? 0).toBe(0);
      for (const group of (await call(t.api.groups.listGroups.bind(t.api.groups), {})).groups) groups.set(group.name, group);
      expect(groups.get(NESTED)?.parentId).toBe(groups.get(PARENT)?.id);
      await log.until((l) => l.events.filter((e) => e.type === 'acs.group.group-created').length === 2, waitMs, 'the two group-created events');
    }, testTimeoutMs);

    it('a device whose value changes joins the group, and the nested group when its rule selects it; the events say why', async () => {
      setNtpServer([0, 1, 2], NTP_A);
      const expected = [
        `joined ${PARENT} ${device(0)} (rule)`,
        `joined ${PARENT} ${device(1)} (rule)`,
        `joined ${PARENT} ${device(2)} (rule)`,
        `joined ${NESTED} ${device(0)} (parent)`,
        `joined ${NESTED} ${device(1)} (parent)`,
      ].sort();
      await log.until((l) => l.memberships([PARENT, NESTED]).length >= expected.length, waitMs, 'five device-joined events');
      expect(log.memberships([PARENT, NESTED]).sort()).toEqual(expected);
      const joined = log.events.find((e) => e.type === 'acs.group.device-joined' && e.subject === device(0) && e.data?.groupName === NESTED)!;
      expect(joined).toMatchObject({ topic: expect.stringMatching(/acs\.group$/), source: expect.stringMatching(/acs\.group$/) });
      expect(joined.data).toMatchObject({ groupId: groups.get(NESTED)!.id, groupKind: 'dynamic', parentId: groups.get(PARENT)!.id, deviceId: device(0), reason: 'parent' });
    }, testTimeoutMs);

    it('lists and exports the membership with acsctl, and answers a device\'s groups', async () => {
      expect(await members(PARENT)).toEqual([device(0), device(1), device(2)].sort());
      expect(await members(NESTED)).toEqual([device(0), device(1)].sort());
      const got = await t.acsctl(['groups', 'get', PARENT]);
      expect(got.stdout).toMatch(/^members: +3$/m);
      const deviceGroups = await t.acsctl(['devices', 'groups', device(1), '-o', 'json']);
      expect((JSON.parse(deviceGroups.stdout) as { groups: Array<{ name: string }> }).groups.map((g) => g.name).sort()).toEqual([PARENT, NESTED].sort());
      const table = await t.acsctl(['groups', 'list']);
      expect(table.stdout).toMatch(new RegExp(`^\\S+\\s+${NESTED}\\s+dynamic\\s+${PARENT}\\s+serialNumber IN`, 'm'));
    }, testTimeoutMs);

    it('a device changing back leaves the group and the nested one (reason parent)', async () => {
      const before = log.memberships([PARENT, NESTED]).length;
      setNtpServer([0], NTP_DEFAULT);
      await log.until((l) => l.memberships([PARENT, NESTED]).length >= before + 2, waitMs, 'two device-left events');
      expect(log.memberships([PARENT, NESTED]).slice(before).sort()).toEqual([`left ${PARENT} ${device(0)} (rule)`, `left ${NESTED} ${device(0)} (parent)`].sort());
      expect(await members(PARENT)).toEqual([device(1), device(2)].sort());
      expect(await members(NESTED)).toEqual([device(1)]);
      const deviceGroups = await call(t.api.groups.listDeviceGroups.bind(t.api.groups), { deviceId: device(0) });
      expect(deviceGroups.groups).toEqual([]);
    }, testTimeoutMs);

    it('refuses a cycle: the group moved under the group nested in it is INVALID_ARGUMENT, reason CYCLE', async () => {
      const refused = await call(t.api.groups.updateGroup.bind(t.api.groups), acsV1.UpdateGroupRequest.fromPartial({ groupId: groups.get(PARENT)!.id, parentId: groups.get(NESTED)!.id })).then(
        () => undefined,
        (error: ServiceError) => error,
      );
      expect(refused && status[refused.code]).toBe('INVALID_ARGUMENT');
      expect(errorDetailsOf(refused!).badRequest?.fieldViolations).toEqual([expect.objectContaining({ field: 'parentId', reason: 'CYCLE' })]);
      // The same through acsctl, which prints the violation.
      const cli = await t.acsctl(['groups', 'update', PARENT, '--parent', NESTED]);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^error: INVALID_ARGUMENT: .*\n {2}parentId: .*\[CYCLE\]/);
      // Nothing moved.
      const got = await call(t.api.groups.getGroup.bind(t.api.groups), { groupId: groups.get(PARENT)!.id });
      expect(got.group!.parentId).toBe('');
    }, testTimeoutMs);
  });
}
