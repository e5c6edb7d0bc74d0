import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel, simulatorImage } from '@acs/cpe-sim';
import type { ClientWritableStream } from '@grpc/grpc-js';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { REPO_ROOT, startApp, type RunningApp } from '../support/processes';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');
const CPES = 10;
const OUI = '00C0DE';

/**
 * A campaign job in the standalone, driven as an operator would: an image uploaded, a dynamic group of the simulated
 * CPEs, then `acsctl jobs create … campaign --image …`. The job's run is one firmware campaign (id = the run id) over
 * the group, created by the grouping service through the firmware service in process; the CPEs download, install
 * and reboot on the new version, and the job completes when its campaign does.
 */
describe(`a campaign job (standalone, ${CPES} simulated CPEs)`, () => {
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let token: string;
  let fleet: CpeFleet;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    app = await startApp('standalone', { ACS_FIRMWARE_TICK_MS: '200', ACS_GROUPING_JOB_TICK_MS: '200' });
    channel = new NbiChannel(app.nbiAddress);
    token = await bootstrapToken(app);
    api = channel.clients(token);
    fleet = new CpeFleet({
      count: CPES,
      acsUrl: app.cwmpUrl,
      model: DataModel.builtin('tr181'),
      ouiPrefix: OUI,
      productClass: 'CampBox',
      serialPrefix: 'CJ',
      softwareVersion: '1.0.0',
      periodicInformInterval: 3600,
      connectionRequestPort: 0,
      firmware: { installMs: 100 },
      rebootDelayMs: 100,
    });
    await fleet.start();
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 })), (r) => r.totalSize === CPES, 60_000);
    await Promise.all(fleet.cpes.map((cpe) => cpe.idle()));
  }, 120_000);

  afterAll(async () => {
    await fleet?.stop();
    channel?.close();
    const code = await app?.stop();
    expect(code).toBe(0);
  });

  function upload(version: string): Promise<string> {
    const image = simulatorImage({ version, models: [`${OUI}:CampBox`], size: 64 * 1024 });
    return new Promise((resolve, reject) => {
      const stream: ClientWritableStream<acsV1.UploadFileRequest> = api.files.uploadFile((error, response) => (error ? reject(error) : resolve(response!.file!.id)));
      stream.write({
        part: {
          $case: 'metadata',
          metadata: acsV1.FileMetadata.fromPartial({ name: `CampBox-${version}.img`, fileType: '1 Firmware Upgrade Image', targets: [{ oui: OUI, productClass: 'CampBox', hardwareVersions: [] }], softwareVersion: version }),
        },
      });
      stream.write({ part: { $case: 'chunk', chunk: image } });
      stream.end({ part: { $case: 'complete', complete: { size: image.length } } });
    });
  }

  function acsctl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = { ...process.env, ACSCTL_SERVER: app.nbiAddress, ACSCTL_TOKEN: token };
    delete env.ACSCTL_TOKEN_FILE;
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  it("upgrades the group's CPEs through one campaign per run, and completes with it", async () => {
    const fileId = await upload('2.0.0');
    const { group } = await call(api.groups.createGroup.bind(api.groups), acsV1.CreateGroupRequest.fromPartial({ name: 'camp boxes', kind: 'dynamic', filter: 'productClass = "CampBox"' }));

    const created = await acsctl(['jobs', 'create', 'boxes to 2.0', 'campaign', '--group', group!.id, '--image', `${OUI}:CampBox=${fileId}`, '--concurrency', '10', '--timeout', '2m', '-o', 'json']);
    expect(created).toMatchObject({ code: 0 });
    const job = JSON.parse(created.stdout) as { id: string; runCount: number; currentRunId: string };
    expect(job).toMatchObject({ runCount: 1, currentRunId: `${job.id}.1` });

    const { campaign } = await call(api.campaigns.getCampaign.bind(api.campaigns), { campaignId: `${job.id}.1` });
    expect(campaign).toMatchObject({ name: 'boxes to 2.0 · run 1', groupId: group!.id, createdBy: `job:${job.id}`, selection: { targeted: CPES, complete: true } });

    const done = await eventually(() => call(api.jobs.getJob.bind(api.jobs), { jobId: job.id }), (r) => r.job?.status !== 'running', 120_000, 250);
    expect(done.job?.status).toBe('completed');
    expect(done.progress).toMatchObject({ status: 'completed', total: CPES, counts: { succeeded: CPES, failed: 0 } });
    const { devices } = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 100 }));
    expect(devices.map((d) => d.softwareVersion)).toEqual(Array.from({ length: CPES }, () => '2.0.0'));

    // The run's devices are its campaign's: ListJobDevices says where, and there they are.
    const listed = call(api.jobs.listJobDevices.bind(api.jobs), acsV1.ListJobDevicesRequest.fromPartial({ jobId: job.id }));
    await expect(listed).rejects.toMatchObject({ code: 9 /* FAILED_PRECONDITION */ });
    await expect(listed).rejects.toThrow(`ListCampaignDevices campaign_id=${job.id}.1`);
    const upgraded = await acsctl(['campaigns', 'devices', `${job.id}.1`, '--state', 'succeeded', '-o', 'json']);
    expect((JSON.parse(upgraded.stdout) as { devices: unknown[] }).devices).toHaveLength(CPES);
  }, 180_000);
});
