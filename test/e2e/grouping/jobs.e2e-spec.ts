import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel } from '@acs/cpe-sim';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { startApp, type RunningApp } from '../support/processes';
import { readyForConnectionRequests } from './support/jobs-acceptance';

const CPES = 12;

/**
 * A bulk job through the public API of the standalone: a reboot of a dynamic group's members, a few at a time, each
 * device's provisioning task filed under the job, the run completing when every simulated CPE answered its Reboot.
 * The acceptance at scale (rate limit, pause, failure threshold) is jobs-acceptance.e2e-spec.ts; this proves the wiring.
 */
describe(`bulk jobs (standalone, ${CPES} simulated CPEs)`, () => {
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let fleet: CpeFleet;

  beforeAll(async () => {
    app = await startApp('standalone');
    channel = new NbiChannel(app.nbiAddress);
    api = channel.clients(await bootstrapToken(app));
    fleet = new CpeFleet({
      count: CPES,
      acsUrl: app.cwmpUrl,
      model: DataModel.builtin('tr181'),
      ouiPrefix: '00E0FC',
      productClass: 'JobBox',
      serialPrefix: 'JOB',
      periodicInformInterval: 3600,
      connectionRequestPort: 0,
    });
    await fleet.start();
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 })), (r) => r.totalSize === CPES, 60_000);
    await readyForConnectionRequests(api, [fleet], 60_000, 10_000);
  }, 180_000);

  afterAll(async () => {
    await fleet?.stop();
    channel?.close();
    const code = await app?.stop();
    expect(code).toBe(0);
  });

  it('reboots a group\'s members with a concurrency limit, to completion, each device\'s task filed under the job', async () => {
    const { group } = await call(api.groups.createGroup.bind(api.groups), acsV1.CreateGroupRequest.fromPartial({ name: 'job boxes', kind: 'dynamic', filter: 'productClass = "JobBox"' }));
    const { job } = await call(
      api.jobs.createJob.bind(api.jobs),
      acsV1.CreateJobRequest.fromPartial({
        name: 'reboot job boxes',
        target: { kind: { $case: 'groupId', groupId: group!.id } },
        action: { kind: { $case: 'task', task: { kind: { $case: 'reboot', reboot: {} } } } },
        policy: { concurrency: 4, startsPerMinute: 600, mode: 'active', attemptTimeoutMs: 120_000 },
      }),
    );
    expect(job).toMatchObject({ status: 'running', runCount: 1, currentRunId: `${job!.id}.1` });

    const done = await eventually(() => call(api.jobs.getJob.bind(api.jobs), { jobId: job!.id }), (r) => r.job?.status !== 'running', 90_000, 250);
    expect(done.job?.status).toBe('completed');
    expect(done.progress).toMatchObject({ status: 'completed', total: CPES, counts: { succeeded: CPES, failed: 0 } });

    const devices = await call(api.jobs.listJobDevices.bind(api.jobs), acsV1.ListJobDevicesRequest.fromPartial({ jobId: job!.id, pageSize: 100 }));
    expect(devices.devices).toHaveLength(CPES);
    const { task } = await call(api.tasks.getTask.bind(api.tasks), { taskId: devices.devices[0].taskId });
    expect(task).toMatchObject({ source: `job:${job!.id}`, deviceId: devices.devices[0].deviceId });
  }, 120_000);
});
