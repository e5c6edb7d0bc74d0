import { firmwareClient, type FirmwareClient } from '@acs/clients';
import { acsV1 } from '@acs/contracts';
// The firmware service itself, its campaign core on its embedded store behind its real gRPC controller, reached in
// process as the standalone reaches it: a spec may use another service's lib (production code may not).
import { CampaignGrpcController, InProcessGroupMembers, type CampaignCore } from '@acs/firmware';
import { CampaignFixture, chunksOf } from '@acs/firmware/testing';
import { ConflictError, GrpcServerHost, ValidationError } from '@acs/platform';
import { DEFAULT_RETRY, type RolloutPolicy } from '@acs/rollout';

import type { Job } from '../domain/job';
import { FirmwareJobCampaigns } from '../firmware/firmware-campaigns';
import { GroupingFixture } from '../testing';
import type { JobCampaigns } from './job-ports';

const OUI = 'A1B2C3';
const POLICY: RolloutPolicy = {
  waves: { canary: 0, step: { percent: 100 }, minSuccessPercent: 0, soakMs: 0 },
  windows: [],
  timeZone: 'UTC',
  concurrency: 10,
  mode: 'active',
  retry: DEFAULT_RETRY,
  attemptTimeoutMs: 3_600_000,
};

const deviceId = (serial: number) => `${OUI}-GW-S${String(serial).padStart(4, '0')}`;

/** Campaign jobs against the firmware service's campaign core (SQLite), through FirmwareJobCampaigns and its gRPC API. */
describe('campaign jobs', () => {
  let firmware: CampaignFixture;
  let campaignsCore: CampaignCore;
  let client: FirmwareClient;
  let grouping: GroupingFixture;
  /** What the job core calls: the real adapter, with a way to make a create "die" after it reached the firmware service. */
  let campaigns: JobCampaigns & { dieAfterNextCreate: boolean };
  let groups = 0;

  beforeEach(async () => {
    firmware = await CampaignFixture.open();
    const host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    client = firmwareClient({ host: () => host });
    const adapter = new FirmwareJobCampaigns(client);
    campaigns = {
      dieAfterNextCreate: false,
      create: async (request) => {
        const made = await adapter.create(request);
        if (campaigns.dieAfterNextCreate) {
          campaigns.dieAfterNextCreate = false;
          throw new Error('the pod died after creating the campaign, before recording it');
        }
        return made;
      },
      get: (id) => adapter.get(id),
      pause: (id, reason, by) => adapter.pause(id, reason, by),
      resume: (id, by) => adapter.resume(id, by),
      cancel: (id, by) => adapter.cancel(id, by),
    };
    const devices = Array.from({ length: 10 }, (_, i) => ({ id: deviceId(i + 1), oui: OUI, productClass: 'GW', hardwareVersion: 'hw1', softwareVersion: '1.0' }));
    for (const device of devices) firmware.inventory.devices.set(device.id, device);
    grouping = await GroupingFixture.open(
      devices.map((d) => ({ id: d.id })),
      { campaigns, now: firmware.clock.now },
    );
    campaignsCore = firmware.pod('firmware-pod', firmware.inventory, new InProcessGroupMembers(() => grouping.useCases.listGroupMembers));
    host.addService(acsV1.CampaignServiceService, new CampaignGrpcController(campaignsCore.useCases).implementation);
  });

  afterEach(async () => {
    client.close();
    await grouping.close();
    await firmware.close();
  });

  async function image(softwareVersion: string, fileType = '1 Firmware Upgrade Image') {
    return firmware.firmware.useCases.uploadFile.execute({
      description: { name: `GW-${softwareVersion}.bin`, fileType, targets: [{ oui: OUI, productClass: 'GW', hardwareVersions: [] }], softwareVersion, notes: '' },
      createdBy: 'ops',
      content: chunksOf(Buffer.from(`image GW ${softwareVersion}`)),
    });
  }

  async function pilotGroup(size = 10): Promise<string> {
    const { group } = await grouping.useCases.createGroup.execute({ name: `pilot ${++groups}`, kind: 'static', createdBy: 'ops' });
    await grouping.useCases.addMembers.execute({ groupId: group.id, selection: { deviceIds: Array.from({ length: size }, (_, i) => deviceId(i + 1)) } });
    return group.id;
  }

  async function campaignJob(fileId: string, overrides: Partial<Parameters<typeof grouping.jobs.createJob.execute>[0]> = {}): Promise<Job> {
    return grouping.jobs.createJob.execute({
      name: 'gw 2.0',
      target: { kind: 'group', groupId: await pilotGroup() },
      action: { kind: 'campaign', imageRules: [{ oui: OUI, productClass: 'GW', hardwareVersion: '', fromVersions: [], fileId }] },
      schedule: { kind: 'now' },
      policy: POLICY,
      createdBy: 'alice',
      ...overrides,
    });
  }

  /** Both services' clocks move together; then one round of each scheduler. */
  async function rounds(advanceMs = 0): Promise<void> {
    firmware.clock.now += advanceMs;
    await campaignsCore.engine.tickAll();
    await grouping.round(advanceMs);
  }

  /** Every device of the campaign boots on the new version: the firmware service verifies each upgrade. */
  async function upgradeAll(campaignId: string, version: string): Promise<void> {
    await campaignsCore.engine.tick(campaignId);
    for (const task of firmware.tasks.created.filter((t) => t.source.includes(campaignId))) {
      await campaignsCore.useCases.recordUpgradeOutcome.onDevice({ deviceId: task.deviceId, oui: OUI, productClass: 'GW', serialNumber: 'x', softwareVersion: version, eventCodes: ['1 BOOT'] });
    }
  }

  async function allCampaigns() {
    return (await campaignsCore.useCases.listCampaigns.execute({ skip: 0, limit: 100 })).items;
  }

  it("makes a run ONE campaign over the job's group, its progress the job's, and ends the run when the campaign completes", async () => {
    const file = await image('2.0');
    const job = await campaignJob(file.id);

    expect(job).toMatchObject({ runCount: 1, campaignRun: { run: 1, status: 'running' } });
    const [campaign] = await allCampaigns();
    expect(await allCampaigns()).toHaveLength(1);
    expect(campaign).toMatchObject({ id: `${job.id}.1`, name: 'gw 2.0 · run 1', groupId: job.target.kind === 'group' ? job.target.groupId : '', createdBy: `job:${job.id}`, selection: { targeted: 10 } });
    const running = await grouping.jobs.getJob.execute({ jobId: job.id });
    expect(running).toMatchObject({ status: 'running', runId: `${job.id}.1`, progress: { total: 10, state: 'running' } });

    await upgradeAll(campaign.id, '2.0');
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).progress?.counts).toMatchObject({ succeeded: 10 });
    // The list shows the run as the last round saw it; the round records the campaign's end.
    expect((await grouping.jobs.listJobs.execute({ skip: 0, limit: 10 })).items[0].status).toBe('running');
    await rounds(1_000);
    expect((await grouping.jobs.listJobs.execute({ skip: 0, limit: 10 })).items[0].status).toBe('completed');
    expect(await grouping.jobs.getJob.execute({ jobId: job.id })).toMatchObject({ status: 'completed', job: { campaignRun: { status: 'completed' } } });
    expect(grouping.jobEvents()).toEqual([`job-created ${job.id}`, `job-run-started ${job.id}.1`, `job-run-completed ${job.id}.1`]);
  });

  it('creates the campaign once when a pod dies between creating it and recording it: another pod creates it again under the run id', async () => {
    const file = await image('2.0');
    campaigns.dieAfterNextCreate = true;
    await expect(campaignJob(file.id)).rejects.toThrow(/pod died/);
    const [job] = (await grouping.jobs.listJobs.execute({ skip: 0, limit: 10 })).items.map((view) => view.job);
    expect(job.campaignRun).toMatchObject({ run: 1, status: 'starting' });
    expect(await allCampaigns()).toHaveLength(1);

    // Before the claimer's lease runs out nobody else touches the run; after, a round finds it and adopts the campaign.
    await rounds(1_000);
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).job.campaignRun?.status).toBe('starting');
    await rounds(30_000);
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).job.campaignRun?.status).toBe('running');
    expect((await allCampaigns()).map((c) => c.id)).toEqual([`${job.id}.1`]);
  });

  it('a second create of the same run answers that it exists, and makes nothing', async () => {
    const file = await image('2.0');
    const job = await campaignJob(file.id);
    const again = { campaignId: `${job.id}.1`, name: 'gw 2.0 · run 1', target: job.target, imageRules: job.action.kind === 'campaign' ? job.action.imageRules : [], policy: POLICY, createdBy: `job:${job.id}` };
    expect(await campaigns.create(again)).toBe('exists');
    expect(await allCampaigns()).toHaveLength(1);
  });

  it("pauses, resumes and cancels the run's campaign through the job, refusing what the campaign's state does not allow", async () => {
    const file = await image('2.0');
    const job = await campaignJob(file.id);
    const runId = `${job.id}.1`;
    await expect(grouping.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'resume' }, requestedBy: 'bob' })).rejects.toBeInstanceOf(ConflictError);

    await grouping.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'pause', reason: 'night shift' }, requestedBy: 'bob' });
    expect((await campaignsCore.useCases.getCampaign.execute({ campaignId: runId })).progress).toMatchObject({ state: 'paused', pause: { kind: 'manual' } });
    expect(await grouping.jobs.getJob.execute({ jobId: job.id })).toMatchObject({ status: 'paused', progress: { state: 'paused' } });

    await grouping.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'resume' }, requestedBy: 'bob' });
    expect((await campaignsCore.useCases.getCampaign.execute({ campaignId: runId })).campaign.status).toBe('running');

    const cancelled = await grouping.jobs.changeJobState.execute({ jobId: job.id, change: { action: 'cancel' }, requestedBy: 'bob' });
    expect(cancelled).toMatchObject({ cancelledBy: 'bob', campaignRun: { status: 'cancelled' } });
    expect((await campaignsCore.useCases.getCampaign.execute({ campaignId: runId })).campaign.status).toBe('cancelled');
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).status).toBe('cancelled');
    expect(grouping.jobEvents()).toEqual([`job-created ${job.id}`, `job-run-started ${runId}`, `job-run-paused ${runId}`, `job-run-resumed ${runId}`, `job-cancelled ${runId}`]);
  });

  it('ends a run whose campaign the firmware service refuses as failed, with why, and tries again at the next occurrence', async () => {
    const notAnImage = await image('2.0', '3 Vendor Configuration File');
    const job = await campaignJob(notAnImage.id, { schedule: { kind: 'cron', expression: '0 3 * * *', timeZone: 'UTC' } });
    // The cron's first occurrence: 03:00 the next day.
    await rounds(15 * 3_600_000);
    const failed = await grouping.jobs.getJob.execute({ jobId: job.id });
    expect(failed).toMatchObject({ status: 'scheduled', runId: `${job.id}.1`, progress: null, job: { runCount: 1, campaignRun: { status: 'failed' } } });
    expect(failed.job.campaignRun?.error).toMatch(/image_rules\[0\]\.file_id.*not a "1 Firmware Upgrade Image"/);
    expect(await allCampaigns()).toEqual([]);
    await rounds(24 * 3_600_000);
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).job).toMatchObject({ runCount: 2, campaignRun: { run: 2, status: 'failed' } });
  });

  it('skips a cron occurrence while the run before is still going, and starts the next run once its campaign completed', async () => {
    const file = await image('2.0');
    const job = await campaignJob(file.id, { schedule: { kind: 'cron', expression: '0 * * * *', timeZone: 'UTC' } });
    await rounds(3_600_000);
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).job).toMatchObject({ runCount: 1, campaignRun: { status: 'running' } });
    await rounds(3_600_000);
    expect((await grouping.jobs.getJob.execute({ jobId: job.id })).job).toMatchObject({ runCount: 1, skippedRuns: 1 });

    await upgradeAll(`${job.id}.1`, '2.0');
    await rounds(3_600_000);
    const second = await grouping.jobs.getJob.execute({ jobId: job.id });
    expect(second.job).toMatchObject({ runCount: 2, campaignRun: { run: 2, status: 'running' } });
    expect((await allCampaigns()).map((c) => c.name).sort()).toEqual(['gw 2.0 · run 1', 'gw 2.0 · run 2']);
  });

  it('fails each run, saying so, where the grouping service reaches no firmware service', async () => {
    const alone = await GroupingFixture.open([{ id: deviceId(1) }]);
    try {
      const job = await alone.jobs.createJob.execute({
        name: 'nowhere',
        target: { kind: 'filter', filter: '' },
        action: { kind: 'campaign', imageRules: [{ oui: '', productClass: '', hardwareVersion: '', fromVersions: [], fileId: 'file-1' }] },
        schedule: { kind: 'now' },
        policy: POLICY,
        createdBy: 'alice',
      });
      expect(job.campaignRun).toMatchObject({ status: 'failed', error: expect.stringContaining('reaches no firmware service') });
      expect((await alone.jobs.getJob.execute({ jobId: job.id })).status).toBe('completed');
    } finally {
      await alone.close();
    }
  });

  it("points ListJobDevices at the run's campaign, and refuses a campaign action without an image rule", async () => {
    const file = await image('2.0');
    const job = await campaignJob(file.id);
    await expect(grouping.jobs.listJobDevices.execute({ jobId: job.id, states: [], limit: 10 })).rejects.toMatchObject({
      message: expect.stringContaining(`ListCampaignDevices campaign_id=${job.id}.1`),
      details: { reason: 'CAMPAIGN_RUN' },
    });
    const refused = campaignJob(file.id, { action: { kind: 'campaign', imageRules: [] } });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ fieldViolations: [{ field: 'action.campaign.image_rules', reason: 'REQUIRED' }] });
  });
});
