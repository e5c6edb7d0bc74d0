import { acsV1 } from '@acs/contracts';
import type { CpeFleet, SimulatedCpe } from '@acs/cpe-sim';

import { call, eventually, type AcsV1Clients } from '../../nbi/support/nbi-client';
import type { CliResult } from './groups-acceptance';

/** The fault the failing CPEs answer the job's Reboot with (TR-069: 9001 Request denied). */
export const REBOOT_FAULT = { code: 9001, message: 'Request denied (simulated)' };

/** The simulated fleets of the acceptance, one product class each so that a dynamic group selects each alone. */
export const JOB_FLEETS = {
  rate: 'JobRate',
  pause: 'JobPause',
  faults: 'JobFault',
  witness: 'JobWitness',
} as const;

export interface JobsAcceptanceContext {
  api: AcsV1Clients;
  acsctl: (args: string[]) => Promise<CliResult>;
  fleets: Record<keyof typeof JOB_FLEETS, CpeFleet>;
}

export interface JobsAcceptanceOptions {
  /** The rate job: its devices (the rate fleet's size), starts per minute and concurrency. */
  rateDevices: number;
  startsPerMinute: number;
  concurrency: number;
  /** Bounds of the waits (not timings: each wait ends on the event it waits for). */
  waitMs: number;
  /** Deadline of one API call (GetJob's progress is a few counts, each a scan: slow on FerretDB). */
  callMs: number;
  /** Printed with the figures. */
  label: string;
}

/** A test's own bound: its waits, and the rate job's planned duration three times over. */
function testTimeoutMs(options: JobsAcceptanceOptions, devices: number): number {
  return 4 * options.waitMs + 3 * (devices / options.startsPerMinute) * MINUTE_MS;
}

const MINUTE_MS = 60_000;

/** The `at` of each Reboot RPC a CPE received since `since` (epoch ms), from the simulator's session reports. */
export function rebootsAt(cpe: SimulatedCpe, since: number): number[] {
  return cpe.sessions.flatMap((session) => session.rpcs.filter((rpc) => rpc.method === 'Reboot' && rpc.at >= since).map((rpc) => rpc.at));
}

/** The most of `times` (ms) in any half-open window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Rows of acsctl's `-o csv` (RFC 4180: a quoted cell may hold commas, doubled quotes and line breaks), the header first. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) {
      cell += c;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    }
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/**
 * Waits until every CPE of the fleets takes connection requests: provisioning sets each device's credentials by a task
 * at its next session, so a device whose bootstrap session ended before provisioning's plan got there has none yet
 * (a job's connection request to it fails `cr-auth-failed`, not retried). One session each, then every credentials
 * task done.
 */
export async function readyForConnectionRequests(api: AcsV1Clients, fleets: readonly CpeFleet[], waitMs: number, callMs: number): Promise<void> {
  await Promise.all(fleets.flatMap((fleet) => fleet.cpes.map((cpe) => cpe.idle())));
  for (const fleet of fleets) await fleet.runSessions();
  const total = fleets.reduce((sum, fleet) => sum + fleet.cpes.length, 0);
  const credentialsSet = async (): Promise<number> => {
    let count = 0;
    let pageToken = '';
    do {
      const page = await call(
        api.tasks.listTasks.bind(api.tasks),
        acsV1.ListTasksRequest.fromPartial({ source: 'acs:connection-request-credentials', statuses: [acsV1.TaskStatus.TASK_STATUS_DONE], pageSize: 1000, pageToken }),
        callMs,
      );
      count += page.tasks.length;
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return count;
  };
  await eventually(credentialsSet, (count) => count >= total, waitMs, 500);
}

/**
 * Issue 14's acceptance of bulk jobs, on whichever ACS the context reaches (the standalone, or the distributed pods):
 * the rate limit as the devices see it, a pause that starts nothing more, and the failure threshold pausing a run by
 * itself. Each test has its own simulated fleet (a product class each, selected by a dynamic group).
 */
export function describeJobsAcceptance(context: () => JobsAcceptanceContext, options: JobsAcceptanceOptions): void {
  const { waitMs, callMs } = options;

  async function groupOf(productClass: string): Promise<string> {
    const { api } = context();
    const { group } = await call(api.groups.createGroup.bind(api.groups), acsV1.CreateGroupRequest.fromPartial({ name: `${productClass} devices`, kind: 'dynamic', filter: `productClass = "${productClass}"` }), callMs);
    // The members are evaluated at creation; the run reads them when it starts.
    await eventually(
      () => call(api.groups.listGroupMembers.bind(api.groups), acsV1.ListGroupMembersRequest.fromPartial({ groupId: group!.id, pageSize: 1 }), callMs),
      (r) => Number(r.totalSize) === context().fleets[fleetKeyOf(productClass)].cpes.length,
      waitMs,
      250,
    );
    return group!.id;
  }

  function createJob(name: string, groupId: string, task: acsV1.TaskSpec['kind'], policy: Partial<acsV1.RolloutPolicy>, schedule?: Partial<acsV1.JobSchedule>): Promise<acsV1.Job> {
    const { api } = context();
    return call(
      api.jobs.createJob.bind(api.jobs),
      acsV1.CreateJobRequest.fromPartial({
        name,
        target: { kind: { $case: 'groupId', groupId } },
        action: { kind: { $case: 'task', task: { kind: task } } },
        policy: { mode: 'active', attemptTimeoutMs: 120_000, ...policy },
        ...(schedule ? { schedule } : {}),
      }),
      callMs,
    ).then((r) => r.job!);
  }

  const getJob = (jobId: string) => call(context().api.jobs.getJob.bind(context().api.jobs), { jobId }, callMs);

  async function jobDevices(jobId: string, states: string[] = []): Promise<acsV1.JobDevice[]> {
    const { api } = context();
    const devices: acsV1.JobDevice[] = [];
    let pageToken = '';
    do {
      const page = await call(api.jobs.listJobDevices.bind(api.jobs), acsV1.ListJobDevicesRequest.fromPartial({ jobId, states, pageSize: 500, pageToken }), callMs);
      devices.push(...page.devices);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    return devices;
  }

  const reboot: acsV1.TaskSpec['kind'] = { $case: 'reboot', reboot: {} };

  it('reboots a group at its starts-per-minute limit: never more in any minute at the devices, each device once, each back with 1 BOOT and M Reboot', async () => {
    const fleet = context().fleets.rate;
    // More devices than the limit: the minute's limit binds, not only its spread over the seconds.
    expect(fleet.cpes.length).toBeGreaterThan(options.startsPerMinute);
    const groupId = await groupOf(JOB_FLEETS.rate);
    const since = Date.now();
    const job = await createJob('rate-limited reboot', groupId, reboot, { concurrency: options.concurrency, startsPerMinute: options.startsPerMinute });
    const done = await eventually(() => getJob(job.id), (r) => r.job?.status !== 'running', waitMs + (fleet.cpes.length / options.startsPerMinute) * MINUTE_MS * 2, 1000);
    const seconds = (Date.now() - since) / 1000;
    expect(done.job?.status).toBe('completed');
    const failed = await jobDevices(job.id, ['failed']);
    expect(failed.map((device) => `${device.deviceId} ${device.error?.code}: ${device.error?.message}`)).toEqual([]);
    expect(done.progress).toMatchObject({ status: 'completed', total: fleet.cpes.length, counts: { succeeded: fleet.cpes.length, failed: 0 } });

    // Every CPE got one Reboot and came back from it: its next session informs `1 BOOT` and `M Reboot`.
    const rebootedAfter = (cpe: SimulatedCpe, at: number) => cpe.sessions.some((s) => s.startedAt >= at && s.events.includes('1 BOOT') && s.events.includes('M Reboot') && !s.error);
    await eventually(
      async () => fleet.cpes.filter((cpe) => rebootsAt(cpe, since).length !== 1 || !rebootedAfter(cpe, rebootsAt(cpe, since)[0])).map((cpe) => `${cpe.deviceId}: ${rebootsAt(cpe, since).length} Reboot`),
      (waiting) => waiting.length === 0,
      waitMs,
      250,
    );

    // The limit is the ACS's: the starts it records (each device's attempt start) are at most R in any 60 s. The
    // devices see those starts shifted by the connection request and session latency, which varies per device: a
    // device-side minute takes the ACS's starts of 60 s plus that spread, so it may hold at most the spread's extra
    // seconds' starts (ceil(R/60) each) more — a figure measured, not a timing assumed.
    const devices = await jobDevices(job.id);
    const acsStarts = new Map(devices.map((device) => [device.deviceId, device.startTime!.getTime()]));
    const atDevices = fleet.cpes.map((cpe) => rebootsAt(cpe, since)[0]);
    const latencies = fleet.cpes.map((cpe) => rebootsAt(cpe, since)[0] - acsStarts.get(cpe.deviceId)!);
    const spreadMs = Math.max(...latencies) - Math.min(...latencies);
    const perSecond = Math.max(1, Math.ceil(options.startsPerMinute / 60));
    const maxAtAcs = maxInWindow([...acsStarts.values()], MINUTE_MS);
    const maxAtDevices = maxInWindow(atDevices, MINUTE_MS);
    process.stdout.write(
      `${options.label}: ${fleet.cpes.length} devices rebooted in ${seconds.toFixed(1)} s at ${options.startsPerMinute}/min, concurrency ${options.concurrency}; ` +
        `max Reboot RPCs in any 60 s at the devices ${maxAtDevices}, max starts in any 60 s at the ACS ${maxAtAcs}; ` +
        `start-to-RPC latency ${Math.min(...latencies)}–${Math.max(...latencies)} ms\n`,
    );
    expect(maxAtAcs).toBeLessThanOrEqual(options.startsPerMinute);
    // The limit spread over the minute: at most ceil(R/60) starts in any one second.
    expect(maxInWindow([...acsStarts.values()].map((ms) => Math.floor(ms / 1000)), 1)).toBeLessThanOrEqual(perSecond);
    expect(maxAtDevices).toBeLessThanOrEqual(options.startsPerMinute + perSecond * Math.ceil(spreadMs / 1000));
    expect(devices.every((device) => device.attempts === 1)).toBe(true);
  }, testTimeoutMs(options, options.rateDevices));

  it('pauses part way: the devices in flight finish, no Reboot reaches any device while paused, and the job finishes once resumed', async () => {
    const { fleets } = context();
    const fleet = fleets.pause;
    const groupId = await groupOf(JOB_FLEETS.pause);
    const witnessGroupId = await groupOf(JOB_FLEETS.witness);
    const since = Date.now();
    const rebooted = () => fleet.cpes.filter((cpe) => rebootsAt(cpe, since).length > 0);
    // Slow enough to pause part way whatever the box's speed: one start a second, two at a time.
    const job = await createJob('reboot to pause', groupId, reboot, { concurrency: 2, startsPerMinute: 60 });
    await eventually(async () => rebooted().length, (count) => count >= 3, waitMs, 100);
    await call(context().api.jobs.pauseJob.bind(context().api.jobs), acsV1.PauseJobRequest.fromPartial({ jobId: job.id, reason: 'acceptance: pause part way' }), callMs);

    // The devices started before the pause go on to their outcomes; then nothing is in flight.
    const inFlight = (p: acsV1.RolloutProgress | undefined) => ['scheduled', 'in-progress', 'retry-wait'].reduce((sum, state) => sum + Number(p?.counts?.[state] ?? 0), 0);
    const quiet = await eventually(() => getJob(job.id), (r) => r.job?.status === 'paused' && inFlight(r.progress) === 0, waitMs, 250);
    const startedWhilePaused = (await jobDevices(job.id)).filter((device) => device.state !== 'pending').map((device) => device.deviceId).sort();
    expect(startedWhilePaused.length).toBeGreaterThanOrEqual(3);
    expect(startedWhilePaused.length).toBeLessThan(fleet.cpes.length);
    // The outcome is recorded when the CPE answers the Reboot; its session report comes when the session ends.
    await eventually(async () => rebooted().map((cpe) => cpe.deviceId).sort(), (ids) => ids.length === startedWhilePaused.length, waitMs, 100);

    // Time passes with the scheduler at work, proven without a sleep: a witness job of one device started three times
    // in turn. A run's device starts only in a scheduler round (creating a job starts its run, not its devices), and
    // each round ticks every running and paused run from one listing made when it begins: each witness, created after
    // the one before started, starts in a later round than it, and that round ticked the paused run too — three
    // rounds at least, all after the pause took effect, on however busy a box.
    for (let round = 1; round <= 3; round++) {
      const witness = await createJob(`witness ${round}`, witnessGroupId, { $case: 'getParameterValues', getParameterValues: { parameterNames: ['Device.DeviceInfo.SoftwareVersion'] } }, { concurrency: 1 });
      const finished = await eventually(() => getJob(witness.id), (r) => r.job?.status !== 'running', waitMs, 250);
      expect(finished.progress?.counts).toMatchObject({ succeeded: 1 });
    }

    const stillPaused = await getJob(job.id);
    expect(stillPaused.job?.status).toBe('paused');
    expect(stillPaused.progress?.counts).toEqual(quiet.progress?.counts);
    expect(rebooted().map((cpe) => cpe.deviceId).sort()).toEqual(startedWhilePaused);
    process.stdout.write(`${options.label}: paused after ${startedWhilePaused.length} of ${fleet.cpes.length} reboots; none more over three scheduler rounds\n`);

    await call(context().api.jobs.resumeJob.bind(context().api.jobs), { jobId: job.id }, callMs);
    const done = await eventually(() => getJob(job.id), (r) => r.job?.status !== 'running', waitMs + fleet.cpes.length * 1000 * 2, 500);
    expect(done.job?.status).toBe('completed');
    expect(done.progress?.counts).toMatchObject({ succeeded: fleet.cpes.length, failed: 0 });
    await eventually(async () => fleet.cpes.filter((cpe) => rebootsAt(cpe, since).length !== 1).length, (wrong) => wrong === 0, waitMs, 250);
  }, 8 * options.waitMs);

  it('pauses itself at its failure threshold, the reason in GetJob, the failed devices in acsctl\'s CSV exactly the faulting CPEs with 9001', async () => {
    const { fleets, acsctl } = context();
    const fleet = fleets.faults;
    // One CPE in five refuses the Reboot: about 20 % of the fleet, spread over it.
    const faulting = new Set(fleet.cpes.filter((_, index) => index % 5 === 2).map((cpe) => cpe.deviceId));
    for (const cpe of fleet.cpes) cpe.setRpcFault('Reboot', faulting.has(cpe.deviceId) ? REBOOT_FAULT : undefined);
    const groupId = await groupOf(JOB_FLEETS.faults);
    const since = Date.now();
    const job = await createJob('reboot with faults', groupId, reboot, { concurrency: 4, failurePercent: 10, overLastFinished: 20, minFinished: 10 });

    const paused = await eventually(() => getJob(job.id), (r) => r.job?.status !== 'running', waitMs, 250);
    expect(paused.job?.status).toBe('paused');
    expect(paused.progress).toMatchObject({ status: 'paused', pauseKind: 'threshold' });
    expect(paused.progress?.pauseReason).toMatch(/failed \(\d+(\.\d)? %, threshold 10 %\)/);
    expect(Number(paused.progress?.counts?.pending ?? 0)).toBeGreaterThan(0);
    process.stdout.write(`${options.label}: failure threshold paused the run: ${paused.progress?.pauseReason}\n`);

    // In-flight devices still report; the listing is read once they did.
    const inFlight = (p: acsV1.RolloutProgress | undefined) => ['scheduled', 'in-progress', 'retry-wait'].reduce((sum, state) => sum + Number(p?.counts?.[state] ?? 0), 0);
    const settled = await eventually(() => getJob(job.id), (r) => inFlight(r.progress) === 0, waitMs, 250);
    const result = await acsctl(['jobs', 'devices', job.id, '--state', 'failed', '--all', '-o', 'csv']);
    expect(result.code).toBe(0);
    const [header, ...rows] = parseCsv(result.stdout.trim());
    const column = (name: string) => header.indexOf(name);
    expect(header).toEqual(expect.arrayContaining(['DEVICE', 'STATE', 'ERROR', 'MESSAGE']));
    expect(rows).toHaveLength(Number(settled.progress?.counts?.failed ?? 0));
    expect(rows.length).toBeGreaterThanOrEqual(1);
    // Exactly the faulting CPEs the run reached (by the simulator's own record: those that got a Reboot).
    const reachedFaulting = await eventually(
      async () => fleet.cpes.filter((cpe) => faulting.has(cpe.deviceId) && rebootsAt(cpe, since).length > 0).map((cpe) => cpe.deviceId).sort(),
      (ids) => ids.length >= rows.length,
      waitMs,
      100,
    );
    expect(rows.map((row) => row[column('DEVICE')]).sort()).toEqual(reachedFaulting);
    for (const row of rows) {
      expect({ device: row[column('DEVICE')], faulting: faulting.has(row[column('DEVICE')]), state: row[column('STATE')], error: row[column('ERROR')] }).toEqual({
        device: row[column('DEVICE')],
        faulting: true,
        state: 'failed',
        error: '9001',
      });
    }
    // Every faulting CPE the run reached is among them: none of them succeeded.
    const succeeded = await jobDevices(job.id, ['succeeded']);
    expect(succeeded.filter((device) => faulting.has(device.deviceId))).toEqual([]);
    for (const cpe of fleet.cpes) cpe.setRpcFault('Reboot', undefined);
  }, 4 * options.waitMs);
}

function fleetKeyOf(productClass: string): keyof typeof JOB_FLEETS {
  return (Object.keys(JOB_FLEETS) as Array<keyof typeof JOB_FLEETS>).find((key) => JOB_FLEETS[key] === productClass)!;
}
