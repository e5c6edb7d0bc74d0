import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';
import type { RolloutPolicy } from '@acs/rollout';
import pino from 'pino';

import { JobEventPublisher } from '../service/job-event.publisher';
import { GroupingFixture } from '../testing/grouping-fixture';
import type { InventoryDevice } from '../testing/in-memory-inventory';
import type { CreateJobCommand } from './create-job.usecase';
import { createJobCore } from './job-usecases';

const TIER = 'Device.X_Tier';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Ten devices: even ones in the business tier. */
function fleet(): InventoryDevice[] {
  return Array.from({ length: 10 }, (_, i) => ({
    id: `00259E-HG8245H-SN${i}`,
    fields: { oui: '00259E', productClass: 'HG8245H', serialNumber: `SN${i}` },
    parameters: { [TIER]: i % 2 === 0 ? 'business' : 'home' },
  }));
}
const dev = (i: number) => `00259E-HG8245H-SN${i}`;
const BUSINESS = [0, 2, 4, 6, 8].map(dev);

function policy(overrides: Partial<RolloutPolicy> = {}): RolloutPolicy {
  return {
    waves: { canary: 0, step: { percent: 100 }, minSuccessPercent: 0, soakMs: 0 },
    windows: [],
    timeZone: 'UTC',
    concurrency: 2,
    mode: 'active',
    retry: { maxAttempts: 1, initialBackoffMs: MINUTE, multiplier: 2, maxBackoffMs: HOUR },
    attemptTimeoutMs: 10 * MINUTE,
    ...overrides,
  };
}

const REBOOT = { reboot: {} };

describe('bulk jobs (embedded store, injected clock)', () => {
  let fixture: GroupingFixture;
  let groupId: string;
  beforeEach(async () => {
    fixture = await GroupingFixture.open(fleet());
    ({
      group: { id: groupId },
    } = await fixture.useCases.createGroup.execute({ name: 'business', kind: 'dynamic', filter: `${TIER} = "business"`, createdBy: 'spec' }));
  });
  afterEach(async () => {
    await fixture.close();
  });

  const command = (overrides: Partial<CreateJobCommand> = {}): CreateJobCommand => ({
    name: 'reboot business',
    target: { kind: 'group', groupId },
    action: { kind: 'task', task: REBOOT },
    schedule: { kind: 'now' },
    policy: policy(),
    createdBy: 'api:ops',
    ...overrides,
  });

  /** Every device with a task in progress answers `done`. */
  async function answerAll(): Promise<void> {
    const inProgress = await fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: ['in-progress'], limit: 100 });
    for (const device of inProgress.devices) await fixture.taskNews(device.deviceId, 'done');
  }

  it('runs a task over a group now: a provisioning task per device under its source, at most `concurrency` at once, to completion', async () => {
    const from = fixture.published.length;
    const job = await fixture.jobs.createJob.execute(command());
    expect(job).toMatchObject({ id: 'job-1', runCount: 1, skippedRuns: 0 });
    expect(job.nextRunAt).toBeUndefined();

    await fixture.round();
    expect(fixture.tasks.created.map((task) => task.deviceId)).toEqual(BUSINESS.slice(0, 2));
    expect(fixture.tasks.created[0]).toMatchObject({ source: 'job:job-1', spec: REBOOT, connectionRequest: true, expiresAt: fixture.clock.now + 10 * MINUTE });

    // The Reboot answered: done is success (the device coming back is not awaited).
    for (let round = 0; round < 3; round++) {
      await answerAll();
      await fixture.round();
    }
    const view = await fixture.jobs.getJob.execute({ jobId: 'job-1' });
    expect(view.status).toBe('completed');
    expect(view.runId).toBe('job-1.1');
    expect(view.progress).toMatchObject({ state: 'completed', total: 5, counts: { succeeded: 5, failed: 0 } });
    expect(fixture.tasks.created).toHaveLength(5);
    expect(fixture.jobEvents(from)).toEqual(['job-created job-1', 'job-run-started job-1.1', 'job-run-completed job-1.1']);
    expect(fixture.published.find((event) => event.type === 'acs.group.job-run-completed')?.data).toMatchObject({ jobName: 'reboot business', counts: { succeeded: 5, failed: 0, skipped: 0 } });
    expect(fixture.published.find((event) => event.type === 'acs.group.job-run-started')?.data).toMatchObject({ devices: 5 });
  });

  it('selects the devices of a filter when the run starts, in passive mode without a connection request', async () => {
    await fixture.jobs.createJob.execute(command({ target: { kind: 'filter', filter: `${TIER} = "home"` }, policy: policy({ mode: 'passive', concurrency: 10 }) }));
    await fixture.round();
    expect(fixture.tasks.created.map((task) => task.deviceId)).toEqual([1, 3, 5, 7, 9].map(dev));
    expect(fixture.tasks.created.every((task) => !task.connectionRequest)).toBe(true);
  });

  it('starts a job scheduled at a time then, and its devices only within the policy\'s window', async () => {
    // The fixture's clock: Monday 2027-01-04 12:00 UTC.
    const at = fixture.clock.now + HOUR;
    const job = await fixture.jobs.createJob.execute(command({ schedule: { kind: 'at', at }, policy: policy({ windows: [{ days: ['mon'], start: '14:00', end: '15:00' }], attemptTimeoutMs: 2 * HOUR }) }));
    expect(job).toMatchObject({ runCount: 0, nextRunAt: at });
    expect((await fixture.jobs.getJob.execute({ jobId: job.id })).status).toBe('scheduled');

    await fixture.round(59 * MINUTE);
    expect((await fixture.jobs.getJob.execute({ jobId: job.id })).runId).toBeNull();

    await fixture.round(MINUTE);
    const started = await fixture.jobs.getJob.execute({ jobId: job.id });
    expect(started).toMatchObject({ status: 'running', runId: `${job.id}.1`, progress: { windowOpen: false, total: 5 } });
    await fixture.round(30 * MINUTE);
    expect(fixture.tasks.created).toHaveLength(0);

    await fixture.round(30 * MINUTE);
    expect(fixture.tasks.created).toHaveLength(2);

    // Within the window, a finished device frees its slot at once.
    await answerAll();
    expect(fixture.tasks.created).toHaveLength(4);

    // Past 15:00 the window is shut: the devices in flight finish, no other starts until it opens next Monday.
    await fixture.round(61 * MINUTE);
    await answerAll();
    await fixture.round();
    expect((await fixture.jobs.getJob.execute({ jobId: job.id })).progress).toMatchObject({ windowOpen: false, counts: { succeeded: 4, pending: 1 } });
    await fixture.round(7 * 24 * HOUR - 62 * MINUTE);
    expect(fixture.tasks.created).toHaveLength(4);
    await fixture.round(MINUTE);
    expect(fixture.tasks.created).toHaveLength(5);
  });

  it('starts a cron job\'s run at each occurrence in its zone, and skips an occurrence while the run before is still going', async () => {
    // 02:00 in Paris is 01:00 UTC in January; the clock is Monday 12:00 UTC.
    // Attempts time out after two days: Wednesday's silent device is still in progress on Thursday.
    const job = await fixture.jobs.createJob.execute(
      command({ schedule: { kind: 'cron', expression: '0 2 * * *', timeZone: 'Europe/Paris' }, policy: policy({ concurrency: 10, attemptTimeoutMs: 48 * HOUR }) }),
    );
    const tuesday = Date.UTC(2027, 0, 5, 1);
    expect(job.nextRunAt).toBe(tuesday);

    await fixture.round(tuesday - 1 - fixture.clock.now);
    expect(fixture.tasks.created).toHaveLength(0);
    await fixture.round(1);
    expect((await fixture.jobs.getJob.execute({ jobId: job.id })).runId).toBe(`${job.id}.1`);
    await fixture.round();
    await answerAll();
    await fixture.round();
    expect((await fixture.jobs.getJob.execute({ jobId: job.id })).status).toBe('scheduled');

    // Wednesday's run: one device never answers, so Thursday's occurrence finds it still going.
    await fixture.round(Date.UTC(2027, 0, 6, 1) - fixture.clock.now);
    await fixture.round();
    expect((await fixture.jobs.getJob.execute({ jobId: job.id })).runId).toBe(`${job.id}.2`);
    for (const deviceId of BUSINESS.slice(1)) await fixture.taskNews(deviceId, 'done');
    await fixture.round(Date.UTC(2027, 0, 7, 1) - fixture.clock.now);
    const thursday = await fixture.jobs.getJob.execute({ jobId: job.id });
    expect(thursday).toMatchObject({ status: 'running', runId: `${job.id}.2`, job: { skippedRuns: 1, nextRunAt: Date.UTC(2027, 0, 8, 1) } });
    expect(fixture.tasks.created).toHaveLength(10);
  });

  it('pauses the run when its failure threshold is crossed, with the reason, the CPE\'s faults kept per device', async () => {
    await fixture.jobs.createJob.execute(
      command({
        action: { kind: 'task', task: { setParameterValues: { values: [{ path: 'Device.X_Led', value: 'off', type: 'xsd:string' }] } } },
        policy: policy({ concurrency: 5, failureThreshold: { limit: { count: 2 }, over: { lastFinished: 10 }, minFinished: 1 } }),
      }),
    );
    await fixture.round();
    const from = fixture.published.length;
    await fixture.taskNews(dev(0), 'faulted', { code: '9007', message: 'Invalid parameter value', transient: false });
    await fixture.taskNews(dev(2), 'faulted', { code: 'cr-unreachable', message: 'no answer to the connection request', transient: true });
    const view = await fixture.jobs.getJob.execute({ jobId: 'job-1' });
    expect(view.status).toBe('paused');
    expect(view.progress?.pause).toMatchObject({ kind: 'threshold' });
    expect(view.progress?.pause?.text).toContain('2');
    expect(fixture.jobEvents(from)).toEqual(['job-run-paused job-1.1']);
    expect(fixture.published.at(-1)?.data).toMatchObject({ reason: { kind: 'threshold' } });

    const failed = await fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: ['failed'], limit: 10 });
    expect(failed.devices.map((device) => [device.deviceId, device.error])).toEqual([
      [dev(0), { code: '9007', message: 'Invalid parameter value' }],
      [dev(2), { code: 'unreachable', message: 'no answer to the connection request' }],
    ]);
    expect(failed.devices[0]).toMatchObject({ attempts: 1, taskId: fixture.tasks.created[0].id });
  });

  it('times out a device that never answers, retries it per the policy, and fails it `unreachable` when its task expires', async () => {
    await fixture.jobs.createJob.execute(command({ policy: policy({ concurrency: 5, retry: { maxAttempts: 2, initialBackoffMs: MINUTE, multiplier: 2, maxBackoffMs: HOUR } }) }));
    await fixture.round();
    await fixture.taskNews(dev(0), 'expired');
    let devices = await fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: ['retry-wait'], limit: 10 });
    expect(devices.devices).toMatchObject([{ deviceId: dev(0), attempts: 1, error: { code: 'unreachable' } }]);
    await fixture.round(MINUTE);
    expect(fixture.tasks.created.filter((task) => task.deviceId === dev(0))).toHaveLength(2);
    // A late event of the first attempt's task moves nothing.
    await fixture.jobs.recordJobOutcome.onTask({ ...fixture.tasks.eventOf(dev(0), 'done'), taskId: fixture.tasks.created[0].id });
    devices = await fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: ['in-progress'], limit: 10 });
    expect(devices.devices.map((device) => device.deviceId)).toContain(dev(0));
  });

  it('pauses, resumes and cancels a job; a cancelled cron job starts no run any more', async () => {
    const job = await fixture.jobs.createJob.execute(command({ schedule: { kind: 'cron', expression: '*/10 * * * *', timeZone: 'UTC' }, policy: policy({ concurrency: 1 }) }));
    await expect(fixture.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'pause', reason: '' }, requestedBy: 'api:ops' })).rejects.toThrow(ConflictError);
    await fixture.round(10 * MINUTE);
    await fixture.round();
    expect(fixture.tasks.created).toHaveLength(1);

    const from = fixture.published.length;
    await fixture.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'pause', reason: 'customer complaints' }, requestedBy: 'api:ops' });
    await answerAll();
    await fixture.round();
    expect(fixture.tasks.created).toHaveLength(1);
    const paused = await fixture.jobs.getJob.execute({ jobId: job.id });
    expect(paused.status).toBe('paused');
    expect(paused.progress?.pause).toMatchObject({ kind: 'manual', text: 'customer complaints (api:ops)' });

    await fixture.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'resume' }, requestedBy: 'api:ops' });
    await fixture.round();
    expect(fixture.tasks.created).toHaveLength(2);

    const cancelled = await fixture.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'cancel' }, requestedBy: 'api:ops' });
    expect(cancelled).toMatchObject({ cancelledBy: 'api:ops' });
    expect(cancelled.nextRunAt).toBeUndefined();
    expect(fixture.jobEvents(from)).toEqual([`job-run-paused ${job.id}.1`, `job-run-resumed ${job.id}.1`, `job-cancelled ${job.id}.1`]);
    await fixture.round(HOUR);
    const view = await fixture.jobs.getJob.execute({ jobId: job.id });
    expect(view).toMatchObject({ status: 'cancelled', runId: `${job.id}.1`, progress: { state: 'cancelled' }, job: { runCount: 1 } });
    expect(fixture.tasks.created).toHaveLength(2);
    await expect(fixture.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'cancel' }, requestedBy: 'api:ops' })).rejects.toThrow(ConflictError);
    await expect(fixture.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'resume' }, requestedBy: 'api:ops' })).rejects.toThrow(ConflictError);
  });

  it('starts one run per occurrence whichever pods fire it', async () => {
    const job = await fixture.jobs.createJob.execute(command({ schedule: { kind: 'at', at: fixture.clock.now + MINUTE } }));
    const podB = createJobCore({
      store: fixture.store,
      inventory: fixture.inventory,
      tasks: fixture.tasks,
      events: new JobEventPublisher({ bus: { publish: async () => undefined }, jobs: fixture.store.jobs, rollouts: fixture.store.rollouts, logger: pino({ level: 'silent' }) }),
      owner: 'pod-b',
      logger: pino({ level: 'silent' }),
      now: () => fixture.clock.now,
    });
    fixture.clock.now += MINUTE;
    // Both pods read the job as due before either started it.
    const results = await Promise.all([fixture.jobCore.runs.fire(job), podB.runs.fire(job)]);
    expect(results.sort()).toEqual(['started', 'taken']);
    expect(await fixture.store.jobs.get(job.id)).toMatchObject({ runCount: 1 });
    expect(await fixture.store.rollouts.getRollout(`${job.id}.2`)).toBeNull();
    expect(await fixture.store.rollouts.getRollout(`${job.id}.1`)).toMatchObject({ state: 'running', sealed: true });
  });

  it('recovers the starts of a pod that died: a device whose task was never asked for gets one, one whose task exists keeps it', async () => {
    await fixture.jobs.createJob.execute(command({ policy: policy({ concurrency: 2 }) }));
    await fixture.round();
    const [first, second] = fixture.tasks.created.splice(0);
    // Pod A died: after recording the first device's start, before asking for its task (gone); and after the second
    // device's task was created, before recording it on the target.
    for (const task of [first, second]) {
      await fixture.store.rollouts.updateTarget('job-1.1', task.deviceId, { state: 'in-progress' }, { set: { data: {} } });
    }
    fixture.tasks.created.push(second);

    const podB = createJobCore({
      store: fixture.store,
      inventory: fixture.inventory,
      tasks: fixture.tasks,
      events: new JobEventPublisher({ bus: { publish: async () => undefined }, jobs: fixture.store.jobs, rollouts: fixture.store.rollouts, logger: pino({ level: 'silent' }) }),
      owner: 'pod-b',
      leaseMs: 30_000,
      logger: pino({ level: 'silent' }),
      now: () => fixture.clock.now,
    });
    fixture.clock.now += 31_000;
    await podB.round();
    expect(fixture.tasks.created.map((task) => task.deviceId)).toEqual([second.deviceId, first.deviceId]);
    const devices = await fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: ['in-progress'], limit: 10 });
    expect(devices.devices.map((device) => [device.deviceId, device.taskId, device.attempts])).toEqual([
      [first.deviceId, fixture.tasks.created[1].id, 1],
      [second.deviceId, second.id, 1],
    ]);
  });

  it('finishes the start of a run whose pod died while its devices streamed in', async () => {
    const job = await fixture.jobs.createJob.execute(command({ schedule: { kind: 'at', at: fixture.clock.now + HOUR } }));
    // The pod inserted the run (it won the occurrence) and died before recording or streaming anything.
    fixture.clock.now += HOUR;
    await fixture.jobCore.engine.create({ id: `${job.id}.1`, policy: job.policy, sealed: false });
    // This pod finds the occurrence taken and records the run for its winner, whose lease it then waits out.
    await fixture.round();
    expect(await fixture.jobs.getJob.execute({ jobId: job.id })).toMatchObject({ status: 'running', runId: `${job.id}.1`, progress: { state: 'created', total: 0 } });
    await fixture.round(31_000);
    await fixture.round();
    const view = await fixture.jobs.getJob.execute({ jobId: job.id });
    expect(view).toMatchObject({ status: 'running', runId: `${job.id}.1`, job: { runCount: 1 }, progress: { total: 5 } });
    expect(view.job.nextRunAt).toBeUndefined();
  });

  it('lists a run\'s devices in pages (keyset), narrowed by state', async () => {
    await fixture.jobs.createJob.execute(command({ target: { kind: 'filter', filter: '' }, policy: policy({ concurrency: 3 }) }));
    await fixture.round();
    const seen: string[] = [];
    let after: number | undefined;
    do {
      const page = await fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: [], limit: 4, ...(after !== undefined ? { after } : {}) });
      seen.push(...page.devices.map((device) => `${device.deviceId}:${device.state}`));
      after = page.nextAfter;
    } while (after !== undefined);
    expect(seen).toHaveLength(10);
    expect(seen.filter((entry) => entry.endsWith(':in-progress'))).toHaveLength(3);
    await expect(fixture.jobs.listJobDevices.execute({ jobId: 'job-1', states: ['lost'], limit: 4 })).rejects.toThrow(ValidationError);
    await expect(fixture.jobs.listJobDevices.execute({ jobId: 'job-1', runId: 'other.1', states: [], limit: 4 })).rejects.toThrow(ValidationError);
    await expect(fixture.jobs.listJobDevices.execute({ jobId: 'job-9', states: [], limit: 4 })).rejects.toThrow(NotFoundError);
  });

  it('refuses a bad job naming every wrong field, and stores nothing', async () => {
    const bad = fixture.jobs.createJob.execute(
      command({
        name: ' ',
        target: { kind: 'group', groupId: 'nope' },
        action: { kind: 'task', task: {} },
        schedule: { kind: 'cron', expression: '0 2 * *', timeZone: 'Mars/Olympus' },
        policy: policy({ concurrency: 0 }),
      }),
    );
    await expect(bad).rejects.toThrow(ValidationError);
    const error = (await bad.catch((caught: unknown) => caught)) as ValidationError;
    expect(error.fieldViolations.map((violation) => violation.field)).toEqual(['name', 'target.group_id', 'action.task', 'schedule.time_zone', 'schedule.cron', 'policy.concurrency']);
    await expect(fixture.jobs.createJob.execute(command({ target: { kind: 'filter', filter: 'oui = ' } }))).rejects.toThrow(ValidationError);
    await expect(fixture.jobs.createJob.execute(command({ schedule: { kind: 'cron', expression: '61 * * * *', timeZone: 'UTC' } }))).rejects.toThrow(ValidationError);
    expect((await fixture.jobs.listJobs.execute({ skip: 0, limit: 10 })).total).toBe(0);
  });

  it('lists jobs newest first with their status', async () => {
    await fixture.jobs.createJob.execute(command({ name: 'first' }));
    fixture.clock.now += 1;
    await fixture.jobs.createJob.execute(command({ name: 'second', schedule: { kind: 'at', at: fixture.clock.now + HOUR } }));
    const listed = await fixture.jobs.listJobs.execute({ skip: 0, limit: 10 });
    expect(listed.items.map((view) => [view.job.name, view.status, view.runId])).toEqual([
      ['second', 'scheduled', null],
      ['first', 'running', 'job-1.1'],
    ]);
  });
});
