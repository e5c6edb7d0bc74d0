import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AcsTaskEventData } from '@acs/contracts';
import { createJobCore, JobEventPublisher, jobGrpcServices, openSqliteGroupingStore, type JobCore, type JobTaskRequest, type SqliteGroupingStore } from '@acs/grouping';
import { GrpcServerHost } from '@acs/platform';
import pino from 'pino';

import { run } from '../acsctl';

const devices = Array.from({ length: 4 }, (_, i) => `00259E-HG8245H-SN${i}`);

/**
 * `acsctl jobs …` against the grouping service's JobService on loopback: the real job use cases on the embedded store,
 * with four devices for every filter and provisioning's tasks recorded (the spec plays their acs.task news).
 */
describe('acsctl jobs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'acsctl-jobs-'));
  const clock = { now: Date.UTC(2027, 0, 4, 12) };
  const tasks: Array<JobTaskRequest & { id: string }> = [];
  let store: SqliteGroupingStore;
  let core: JobCore;
  let host: GrpcServerHost;
  let server: string;

  beforeAll(async () => {
    store = openSqliteGroupingStore({ dataDir });
    core = createJobCore({
      store,
      inventory: { matchingIds: async () => ({ ids: devices, nextPageToken: '' }), device: async () => null },
      tasks: {
        create: async (request) => {
          tasks.push({ ...request, id: `task-${tasks.length + 1}` });
          return { taskId: `task-${tasks.length}` };
        },
        find: async () => null,
      },
      events: new JobEventPublisher({ bus: { publish: async () => undefined }, jobs: store.jobs, rollouts: store.rollouts, logger: pino({ level: 'silent' }) }),
      owner: 'spec',
      logger: pino({ level: 'silent' }),
      now: () => clock.now,
    });
    host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    host.addService(...jobGrpcServices(core));
    server = `127.0.0.1:${await host.start()}`;
  });

  afterAll(async () => {
    await host.stop(0);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Provisioning tells a task's end (acs.task), as the jobs' consumer hears it. */
  function taskNews(task: { id: string; deviceId: string; source: string }, status: AcsTaskEventData['status'], fault?: AcsTaskEventData['fault']): Promise<void> {
    return core.useCases.recordJobOutcome.onTask({ taskId: task.id, deviceId: task.deviceId, kind: 'reboot', status, source: task.source, attempts: 1, ...(fault ? { fault } : {}) });
  }

  async function acsctl(argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ACSCTL_SERVER: server }, cwd: process.cwd() });
    return { code, stdout, stderr };
  }

  it('creates a rate-limited reboot over a filter, shows it, lists its devices, pauses, resumes, cancels it', async () => {
    const created = await acsctl(['jobs', 'create', 'lab reboot', 'reboot', '--filter', 'oui = "00259E"', '--rate', '2', '--concurrency', '2', '-o', 'json']);
    expect(created).toMatchObject({ code: 0 });
    const job = JSON.parse(created.stdout);
    expect(job).toMatchObject({ name: 'lab reboot', status: 'running', runCount: 1, action: { task: { reboot: {} } }, policy: { startsPerMinute: 2, concurrency: 2, stepPercent: 100 } });

    await core.round();
    // 2 a minute: one start every 30 s.
    expect(tasks.map((task) => task.deviceId)).toEqual(devices.slice(0, 1));
    clock.now += 30_000;
    await core.round();
    expect(tasks.map((task) => task.deviceId)).toEqual(devices.slice(0, 2));
    await taskNews(tasks[0], 'faulted', { code: '9002', message: 'Internal error', transient: false });

    const shown = await acsctl(['jobs', 'get', job.id]);
    expect(shown.stdout).toMatch(/status:\s+running/);
    expect(shown.stdout).toContain('1/4 done');
    const failed = await acsctl(['jobs', 'devices', job.id, '--state', 'failed', '-o', 'csv']);
    expect(failed.stdout.trim().split('\n').map((line) => line.trim())).toEqual(['DEVICE,STATE,STAGE,ATTEMPTS,ERROR,MESSAGE,TASK', `${devices[0]},failed,queued,1,9002,Internal error,task-1`]);

    expect((await acsctl(['jobs', 'pause', job.id, '--reason', 'night shift'])).stdout).toMatch(/status:\s+paused/);
    expect((await acsctl(['jobs', 'resume', job.id])).stdout).toMatch(/status:\s+running/);
    expect((await acsctl(['jobs', 'cancel', job.id])).stdout).toMatch(/status:\s+cancelled/);
    const listed = await acsctl(['jobs', 'list']);
    expect(listed.stdout).toContain('lab reboot');
    expect(listed.stdout).toContain('cancelled');
    // The run ended (cancelled): watch prints its last state once and returns.
    const watched = await acsctl(['jobs', 'watch', job.id]);
    expect(watched).toMatchObject({ code: 0 });
    expect(watched.stdout).toContain('cancelled');
  });

  it('schedules a cron job with a set task, and refuses a bad command line before calling', async () => {
    const created = await acsctl(['jobs', 'create', 'led off', 'set', 'Device.X_Led=off', '--filter', '', '--cron', '0 2 * * *', '--cron-tz', 'Europe/Paris', '--passive', '-o', 'json']);
    expect(JSON.parse(created.stdout)).toMatchObject({ status: 'scheduled', schedule: { cron: '0 2 * * *', timeZone: 'Europe/Paris' }, policy: { mode: 'passive' } });
    expect((await acsctl(['jobs', 'create', 'x', 'reboot'])).code).toBe(2);
    expect((await acsctl(['jobs', 'create', 'x', 'reboot', '--group', 'g', '--filter', ''])).code).toBe(2);
    expect((await acsctl(['jobs', 'create', 'x', 'reboot', '--filter', '', '--at', 'tomorrow'])).code).toBe(2);
    const refused = await acsctl(['jobs', 'create', 'x', 'reboot', '--group', 'nope']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('target.group_id');
  });

  it('creates a campaign job from --image rules, shows them, and refuses one without --image or with task arguments', async () => {
    const created = await acsctl(['jobs', 'create', 'gw 2.0', 'campaign', '--filter', '', '--image', '00259E:HG8245H=file-1', '--from', '1.0', '--at', '2027-02-01T02:00:00Z', '-o', 'json']);
    expect(created).toMatchObject({ code: 0 });
    const job = JSON.parse(created.stdout);
    expect(job).toMatchObject({ status: 'scheduled', action: { campaign: { imageRules: [{ oui: '00259E', productClass: 'HG8245H', fromVersions: ['1.0'], fileId: 'file-1' }] } }, policy: { attemptTimeoutMs: 1_800_000 } });
    const shown = await acsctl(['jobs', 'get', job.id]);
    expect(shown.stdout).toMatch(/campaign:\s+a firmware campaign per run \(id = the run id\): 00259E:HG8245H=file-1 \(from 1\.0\)/);
    expect((await acsctl(['jobs', 'list'])).stdout).toMatch(/gw 2\.0\s+scheduled\s+every device\s+campaign/);
    expect((await acsctl(['jobs', 'create', 'x', 'campaign', '--filter', ''])).code).toBe(2);
    expect((await acsctl(['jobs', 'create', 'x', 'campaign', 'file-1', '--filter', '', '--image', '*=file-1'])).code).toBe(2);
  });
});
