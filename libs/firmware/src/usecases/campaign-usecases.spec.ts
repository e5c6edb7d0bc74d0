import { ConflictError, ValidationError } from '@acs/platform';
import { DEFAULT_RETRY, type RolloutPolicy } from '@acs/rollout';

import { DownloadAuthorizer } from '../file-server/download-auth';
import { CAMPAIGN_DOWNLOAD_SECRET, CAMPAIGN_FILE_SERVER_URL, CampaignFixture, chunksOf, InMemoryInventory } from '../testing';
import type { DeviceFacts } from '../domain';

const OUI = 'A1B2C3';

function policy(overrides: Partial<RolloutPolicy> = {}): RolloutPolicy {
  return {
    waves: { canary: 2, step: { size: 4 }, minSuccessPercent: 0, soakMs: 0 },
    windows: [],
    timeZone: 'UTC',
    concurrency: 50,
    mode: 'active',
    retry: DEFAULT_RETRY,
    attemptTimeoutMs: 3_600_000,
    ...overrides,
  };
}

function device(productClass: string, serial: number, softwareVersion: string, hardwareVersion = 'hw1'): DeviceFacts {
  return { id: `${OUI}-${productClass}-S${String(serial).padStart(4, '0')}`, oui: OUI, productClass, hardwareVersion, softwareVersion };
}

describe('campaign use cases (embedded store)', () => {
  let fixture: CampaignFixture;
  beforeEach(async () => {
    fixture = await CampaignFixture.open();
  });
  afterEach(async () => {
    await fixture.close();
  });

  async function upload(productClass: string, softwareVersion: string, fileType = '1 Firmware Upgrade Image') {
    return fixture.firmware.useCases.uploadFile.execute({
      description: { name: `${productClass}-${softwareVersion}.bin`, fileType, targets: [{ oui: OUI, productClass, hardwareVersions: [] }], softwareVersion, notes: '' },
      createdBy: 'ops',
      content: chunksOf(Buffer.from(`image ${productClass} ${softwareVersion}`)),
    });
  }

  /** A fleet of two models on 1.0 (two of the first already on 2.0) and one model without an image. */
  async function fleetAndImages() {
    const gw = await upload('GW', '2.0');
    const ap = await upload('AP', '3.1');
    const devices = [
      ...Array.from({ length: 6 }, (_, i) => device('GW', i, i < 2 ? '2.0' : '1.0')),
      ...Array.from({ length: 4 }, (_, i) => device('AP', i, '3.0')),
      device('STB', 1, '9.9'),
    ];
    for (const d of devices) fixture.inventory.devices.set(d.id, d);
    return { gw, ap, devices };
  }

  async function createCampaign(overrides: Partial<RolloutPolicy> = {}, filter = '') {
    const { gw, ap } = await fleetAndImages();
    const campaign = await fixture.useCases.createCampaign.execute({
      name: 'spring upgrade',
      filter,
      imageRules: [
        { productClass: 'GW', fileId: gw.id },
        { productClass: 'AP', fromVersions: ['3.0'], fileId: ap.id },
      ],
      policy: policy(overrides),
      createdBy: 'alice',
    });
    return { campaign, gw, ap };
  }

  it('adds every selected device as a target with its image, skipping those already on it and those without an image', async () => {
    const { campaign, gw, ap } = await createCampaign();
    expect(campaign).toMatchObject({ status: 'running', kind: 'upgrade', fileIds: [gw.id, ap.id] });
    expect(campaign.selection).toEqual({ matched: 11, targeted: 8, alreadyOnTarget: 2, noImage: 1, complete: true });
    const target = await fixture.firmware.store.rollouts.getTarget(campaign.id, `${OUI}-GW-S0003`);
    expect(target).toMatchObject({ state: 'pending', data: { fileId: gw.id, targetVersion: '2.0', previousVersion: '1.0', productClass: 'GW' } });
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, `${OUI}-GW-S0000`)).toMatchObject({ state: 'skipped', skipReason: 'already on 2.0' });
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, `${OUI}-STB-S0001`)).toMatchObject({ state: 'skipped', skipReason: 'no image rule matches this device' });
    // The campaign holds its files while it runs.
    await expect(fixture.firmware.useCases.deleteFile.execute({ fileId: gw.id, requestedBy: 'ops' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('takes a campaign id the caller chose once: a second create with it is ALREADY_EXISTS and makes nothing; a bad id is named', async () => {
    const { gw } = await fleetAndImages();
    const command = { name: 'nightly · run 1', filter: '', imageRules: [{ productClass: 'GW', fileId: gw.id }], policy: policy(), createdBy: 'job:j1', campaignId: 'j1.1' };
    expect(await fixture.useCases.createCampaign.execute(command)).toMatchObject({ id: 'j1.1', status: 'running', selection: { targeted: 4 } });
    const again = fixture.useCases.createCampaign.execute(command);
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ details: { kind: 'already-exists' } });
    expect((await fixture.useCases.listCampaigns.execute({ skip: 0, limit: 10 })).items.map((c) => c.id)).toEqual(['j1.1']);
    const refused = fixture.useCases.createCampaign.execute({ ...command, campaignId: 'a b/c' });
    await expect(refused).rejects.toMatchObject({ fieldViolations: [{ field: 'campaign_id', reason: 'BAD_FORMAT' }] });
  });

  it('selects devices with the filter language', async () => {
    const { campaign } = await createCampaign({}, 'productClass = "AP"');
    expect(campaign.selection).toMatchObject({ matched: 4, targeted: 4 });
  });

  it('refuses a campaign with wrong rules or policy, naming every field, and keeps nothing', async () => {
    const config = await upload('GW', '', '3 Vendor Configuration File');
    const noVersion = await upload('AP', '');
    const refusal = await fixture.useCases.createCampaign
      .execute({
        name: '',
        filter: '',
        imageRules: [{ fileId: 'missing' }, { fileId: config.id }, { fileId: noVersion.id }],
        policy: policy({ concurrency: 0 }),
        createdBy: 'alice',
      })
      .catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).fieldViolations.map((v) => v.field)).toEqual([
      'name',
      'image_rules[0].file_id',
      'image_rules[1].file_id',
      'image_rules[2].file_id',
      'policy.concurrency',
    ]);
    expect((await fixture.useCases.listCampaigns.execute({ skip: 0, limit: 10 })).total).toBe(0);
  });

  it('starts a device as a Download task with a signed URL the file server accepts, filed under the campaign', async () => {
    const { campaign, gw } = await createCampaign();
    const tick = await fixture.core.engine.tick(campaign.id);
    expect(tick.started).toHaveLength(2); // the canary
    const task = fixture.tasks.created[0];
    expect(task).toMatchObject({ source: `firmware:${campaign.id}`, fileType: '1 Firmware Upgrade Image', connectionRequest: true, fileSize: gw.size });
    const url = new URL(task.url);
    expect(url.origin).toBe(CAMPAIGN_FILE_SERVER_URL);
    const authorizer = new DownloadAuthorizer({ secret: CAMPAIGN_DOWNLOAD_SECRET, realm: 'files', nonceTtlMs: 60_000, now: () => fixture.clock.now });
    const fileId = task.fileType && (await fixture.firmware.store.rollouts.getTarget(campaign.id, task.deviceId))!.data!.fileId as string;
    expect(authorizer.authorize({ fileId, query: url.searchParams, authorization: undefined, method: 'GET', uri: url.pathname + url.search })).toMatchObject({ ok: true, deviceId: task.deviceId });
    const target = await fixture.firmware.store.rollouts.getTarget(campaign.id, task.deviceId);
    expect(target).toMatchObject({ state: 'in-progress', stage: 'queued', data: { taskId: task.taskId, taskAttempt: 1 } });
  });

  it('starts nothing while its maintenance window is closed, then starts when it opens (clock injected)', async () => {
    // The fixture's clock is Monday 2027-01-04 12:00 UTC; the window opens at 22:00.
    const { campaign } = await createCampaign({ windows: [{ days: ['mon'], start: '22:00', end: '23:00' }], timeZone: 'UTC' });
    const closed = await fixture.core.engine.tick(campaign.id);
    expect(closed).toMatchObject({ started: [], waiting: 'window', nextTickAt: Date.UTC(2027, 0, 4, 22) });
    expect(fixture.tasks.created).toEqual([]);
    expect((await fixture.useCases.getCampaign.execute({ campaignId: campaign.id })).progress).toMatchObject({ state: 'running', windowOpen: false, nextWindowOpening: Date.UTC(2027, 0, 4, 22) });
    fixture.clock.now = Date.UTC(2027, 0, 4, 22);
    expect((await fixture.core.engine.tick(campaign.id)).started).toHaveLength(2);
    expect(fixture.tasks.created).toHaveLength(2);
  });

  it('asks for no connection request in passive mode: the device takes the Download at its next session', async () => {
    const { campaign } = await createCampaign({ mode: 'passive' });
    await fixture.core.engine.tick(campaign.id);
    expect(fixture.tasks.created.map((task) => task.connectionRequest)).toEqual([false, false]);
  });

  it('verifies a device by the version it boots with, and fails it with the CPE fault or the wrong version', async () => {
    const { campaign } = await createCampaign({ waves: { canary: 3, step: { size: 10 }, minSuccessPercent: 0, soakMs: 0 } });
    await fixture.core.engine.tick(campaign.id);
    const [ok, faulty, oldImage] = fixture.tasks.created;
    const outcomes = fixture.useCases.recordUpgradeOutcome;
    const taskEvent = (task: typeof ok, status: 'dispatched' | 'done' | 'faulted', fault?: { code: string; message: string }) =>
      outcomes.onTask({ taskId: task.taskId, deviceId: task.deviceId, kind: 'download', status, source: task.source, attempts: 1, ...(fault ? { fault: { ...fault, transient: false } } : {}) });
    const booted = (deviceId: string, softwareVersion: string, eventCodes: string[]) =>
      outcomes.onDevice({ deviceId, oui: OUI, productClass: 'GW', serialNumber: 'x', softwareVersion, eventCodes });

    await taskEvent(ok, 'dispatched');
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, ok.deviceId)).toMatchObject({ stage: 'downloading' });
    // A boot still on the old image before the transfer ended says nothing; the new version verifies.
    await booted(ok.deviceId, '3.0', ['1 BOOT']);
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, ok.deviceId)).toMatchObject({ state: 'in-progress' });
    await taskEvent(ok, 'done');
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, ok.deviceId)).toMatchObject({ stage: 'awaiting-boot' });
    await booted(ok.deviceId, '3.1', ['1 BOOT', '7 TRANSFER COMPLETE', 'M Download']);
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, ok.deviceId)).toMatchObject({ state: 'succeeded' });

    await taskEvent(faulty, 'faulted', { code: '9018', message: 'File corrupted' });
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, faulty.deviceId)).toMatchObject({ state: 'failed', error: { code: '9018', message: 'File corrupted' } });

    // The boot that closes the transfer, on the old image, before the task's news arrives.
    await booted(oldImage.deviceId, '3.0', ['1 BOOT', 'M Download']);
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, oldImage.deviceId)).toMatchObject({ state: 'failed', error: { code: 'wrong-version' } });
    // Its late task event moves nothing.
    await taskEvent(oldImage, 'done');
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, oldImage.deviceId)).toMatchObject({ state: 'failed' });
  });

  it('verifies a device that never sends TransferComplete once it reports the target version, and ignores an earlier attempt\'s task', async () => {
    const { campaign } = await createCampaign({ retry: { ...DEFAULT_RETRY, maxAttempts: 2, initialBackoffMs: 1000 }, attemptTimeoutMs: 60_000 });
    await fixture.core.engine.tick(campaign.id);
    const first = fixture.tasks.created[0];
    fixture.clock.now += 61_000; // the attempt times out: retried after its back-off
    await fixture.core.engine.tick(campaign.id);
    fixture.clock.now += 1_000;
    await fixture.core.engine.tick(campaign.id);
    const second = fixture.tasks.lastFor(first.deviceId)!;
    expect(second.taskId).not.toBe(first.taskId);
    await fixture.useCases.recordUpgradeOutcome.onTask({ taskId: first.taskId, deviceId: first.deviceId, kind: 'download', status: 'faulted', source: first.source, attempts: 1, fault: { code: '9010', message: 'late', transient: false } });
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, first.deviceId)).toMatchObject({ state: 'in-progress', attempts: 2 });
    const { targetVersion } = (await fixture.firmware.store.rollouts.getTarget(campaign.id, first.deviceId))!.data as { targetVersion: string };
    await fixture.useCases.recordUpgradeOutcome.onDevice({ deviceId: first.deviceId, oui: OUI, productClass: 'x', serialNumber: 'x', softwareVersion: targetVersion, eventCodes: ['1 BOOT'] });
    expect(await fixture.firmware.store.rollouts.getTarget(campaign.id, first.deviceId)).toMatchObject({ state: 'succeeded' });
  });

  it('pauses at its failure threshold with the reason, resumes and completes; the stored status follows', async () => {
    const { campaign } = await createCampaign({
      waves: { canary: 0, step: { size: 8 }, minSuccessPercent: 0, soakMs: 0 },
      failureThreshold: { limit: { count: 2 }, over: { lastFinished: 10 }, minFinished: 1 },
    });
    await fixture.core.engine.tick(campaign.id);
    expect(fixture.tasks.created).toHaveLength(8);
    const outcomes = fixture.useCases.recordUpgradeOutcome;
    for (const task of fixture.tasks.created.slice(0, 2)) {
      await outcomes.onTask({ taskId: task.taskId, deviceId: task.deviceId, kind: 'download', status: 'faulted', source: task.source, attempts: 1, fault: { code: '9010', message: 'Download failure', transient: false } });
    }
    const paused = await fixture.useCases.getCampaign.execute({ campaignId: campaign.id });
    expect(paused.campaign.status).toBe('paused');
    expect(paused.progress.pause).toMatchObject({ kind: 'threshold' });
    expect(paused.progress.pause?.text).toMatch(/^2 failures/);
    expect((await fixture.firmware.store.campaigns.get(campaign.id))?.status).toBe('paused');

    fixture.clock.now += 1_000;
    await fixture.useCases.changeCampaignState.execute({ campaignId: campaign.id, change: { action: 'resume' }, requestedBy: 'alice' });
    fixture.clock.now += 1_000;
    for (const task of fixture.tasks.created.slice(2)) {
      const version = task.deviceId.includes('-GW-') ? '2.0' : '3.1';
      await outcomes.onDevice({ deviceId: task.deviceId, oui: OUI, productClass: 'x', serialNumber: 'x', softwareVersion: version, eventCodes: ['1 BOOT'] });
    }
    const done = await fixture.useCases.getCampaign.execute({ campaignId: campaign.id });
    expect(done.campaign.status).toBe('completed');
    expect(done.progress.counts).toMatchObject({ succeeded: 6, failed: 2, skipped: 3 });
    expect((await fixture.firmware.store.campaigns.get(campaign.id))?.status).toBe('completed');

    const events = fixture.published.map((event) => `${event.type.replace('acs.firmware.', '')} ${event.key}`);
    expect(events.slice(0, 2)).toEqual([`campaign-created ${campaign.id}`, `campaign-started ${campaign.id}`]);
    expect(events.filter((event) => event.startsWith('device-failed'))).toHaveLength(2);
    expect(events.filter((event) => event.startsWith('device-upgraded'))).toHaveLength(6);
    expect(events.filter((event) => event.startsWith('campaign-'))).toEqual([
      `campaign-created ${campaign.id}`,
      `campaign-started ${campaign.id}`,
      `campaign-paused ${campaign.id}`,
      `campaign-resumed ${campaign.id}`,
      `campaign-completed ${campaign.id}`,
    ]);
    const failed = fixture.published.find((event) => event.type === 'acs.firmware.device-failed')!;
    expect(failed.data).toMatchObject({ campaignId: campaign.id, campaignName: 'spring upgrade', campaignKind: 'upgrade', fromVersion: '3.0', toVersion: '3.1', error: { code: '9010' } });
    const pausedEvent = fixture.published.find((event) => event.type === 'acs.firmware.campaign-paused')!;
    expect(pausedEvent.data).toMatchObject({ reason: { kind: 'threshold' } });
  });

  it('catches a stored status up with its rollout (a notification lost to a crash)', async () => {
    const { campaign } = await createCampaign();
    await fixture.firmware.store.campaigns.setStatus(campaign.id, 'paused');
    expect(await fixture.core.syncStatuses()).toBe(1);
    expect((await fixture.firmware.store.campaigns.get(campaign.id))?.status).toBe('running');
    expect(await fixture.core.syncStatuses()).toBe(0);
  });

  it('pauses, resumes and cancels by an operator, refusing a change the state does not allow', async () => {
    const { campaign } = await createCampaign();
    const change = fixture.useCases.changeCampaignState;
    expect(await change.execute({ campaignId: campaign.id, change: { action: 'pause', reason: 'NOC hold' }, requestedBy: 'alice' })).toMatchObject({ status: 'paused' });
    expect((await fixture.useCases.getCampaign.execute({ campaignId: campaign.id })).progress.pause).toMatchObject({ kind: 'manual', text: 'alice: NOC hold' });
    expect((await fixture.core.engine.tick(campaign.id)).started).toEqual([]);
    await expect(change.execute({ campaignId: campaign.id, change: { action: 'pause', reason: '' }, requestedBy: 'alice' })).rejects.toBeInstanceOf(ConflictError);
    await change.execute({ campaignId: campaign.id, change: { action: 'resume' }, requestedBy: 'alice' });
    expect(await change.execute({ campaignId: campaign.id, change: { action: 'cancel' }, requestedBy: 'alice' })).toMatchObject({ status: 'cancelled' });
    // An ended campaign no longer holds its files.
    await fixture.firmware.useCases.deleteFile.execute({ fileId: campaign.fileIds[0], requestedBy: 'ops' });
  });

  it('rolls the failed devices back to the version each ran before, where a file installs it', async () => {
    const { campaign } = await createCampaign({ waves: { canary: 0, step: { size: 8 }, minSuccessPercent: 0, soakMs: 0 } });
    const gwOld = await upload('GW', '1.0');
    await fixture.core.engine.tick(campaign.id);
    const outcomes = fixture.useCases.recordUpgradeOutcome;
    // Two GW devices boot a broken 2.0 that reports itself as 1.9, one AP device as well (no file installs AP 3.0).
    const gwFailed = fixture.tasks.created.filter((task) => task.deviceId.includes('-GW-')).slice(0, 2);
    const apFailed = fixture.tasks.created.find((task) => task.deviceId.includes('-AP-'))!;
    for (const task of [...gwFailed, apFailed]) {
      fixture.inventory.devices.set(task.deviceId, { ...fixture.inventory.devices.get(task.deviceId)!, softwareVersion: '1.9' });
      await outcomes.onDevice({ deviceId: task.deviceId, oui: OUI, productClass: 'x', serialNumber: 'x', softwareVersion: '1.9', eventCodes: ['1 BOOT', 'M Download'] });
    }
    const rollback = await fixture.useCases.rollbackCampaign.execute({ campaignId: campaign.id, scope: 'failed', createdBy: 'alice' });
    expect(rollback).toMatchObject({ kind: 'rollback', rollbackOf: campaign.id, status: 'running', fileIds: [gwOld.id] });
    expect(rollback.selection).toEqual({ matched: 3, targeted: 2, alreadyOnTarget: 0, noImage: 1, complete: true });
    for (const task of gwFailed) {
      expect(await fixture.firmware.store.rollouts.getTarget(rollback.id, task.deviceId)).toMatchObject({ state: 'pending', data: { fileId: gwOld.id, targetVersion: '1.0', previousVersion: '1.9' } });
    }
    expect(await fixture.firmware.store.rollouts.getTarget(rollback.id, apFailed.deviceId)).toMatchObject({ state: 'skipped', skipReason: 'no firmware file installs 3.0 for this model' });
    await expect(fixture.useCases.rollbackCampaign.execute({ campaignId: rollback.id, scope: 'all', createdBy: 'alice' })).rejects.toBeInstanceOf(ConflictError);
  });

  it("is finished by another pod when its pod dies while the devices stream in, each device added once", async () => {
    const gw = await upload('GW', '2.0');
    const devices = Array.from({ length: 1200 }, (_, i) => device('GW', i, i % 100 === 0 ? '2.0' : '1.0'));
    for (const d of devices) fixture.inventory.devices.set(d.id, d);
    // Pod A streams the first page of 500 devices in, then dies.
    fixture.inventory.failAfterPages = 1;
    const request = { name: 'interrupted', filter: '', imageRules: [{ productClass: 'GW', fileId: gw.id }], policy: policy(), createdBy: 'alice' };
    await expect(fixture.useCases.createCampaign.execute(request)).rejects.toThrow('the pod died');
    const [interrupted] = (await fixture.useCases.listCampaigns.execute({ skip: 0, limit: 10 })).items;
    expect(interrupted).toMatchObject({ status: 'created', selection: { complete: false } });
    expect(await fixture.firmware.store.rollouts.countTargets({ rolloutId: interrupted.id })).toBe(500);

    const podB = fixture.pod('pod-b', new InMemoryInventory(devices));
    // Within pod A's lease the creation may still be going on: pod B leaves it.
    expect(await podB.resumeCreations()).toBe(0);
    fixture.clock.now += 31_000;
    expect(await podB.resumeCreations()).toBe(1);
    const resumed = await fixture.useCases.getCampaign.execute({ campaignId: interrupted.id });
    expect(resumed.campaign).toMatchObject({ status: 'running', selection: { matched: 1200, targeted: 1188, alreadyOnTarget: 12, noImage: 0, complete: true } });
    expect(resumed.progress.total).toBe(1200);
    expect((await fixture.firmware.store.rollouts.getRollout(interrupted.id))?.sealed).toBe(true);
    // Nothing left to resume; the campaign runs.
    expect(await podB.resumeCreations()).toBe(0);
    expect((await podB.engine.tick(interrupted.id)).started.length).toBeGreaterThan(0);
  });

  it('takes over the devices a dead pod was starting: adopts a Download it asked for, asks for one it never did', async () => {
    const { campaign } = await createCampaign({ concurrency: 2 });
    const started = (await fixture.core.engine.tick(campaign.id)).started;
    expect(started).toHaveLength(2);
    const [asked, neverAsked] = started;
    const rollouts = fixture.firmware.store.rollouts;
    // Pod A died after provisioning created the first device's task but before the id was recorded, and before it
    // asked for the second device's Download at all (only the start was recorded).
    const first = (await rollouts.getTarget(campaign.id, asked))!;
    await rollouts.updateTarget(campaign.id, asked, { state: 'in-progress' }, { set: { data: { ...first.data, taskId: undefined, taskAttempt: undefined }, stage: undefined } });
    const second = (await rollouts.getTarget(campaign.id, neverAsked))!;
    await rollouts.updateTarget(campaign.id, neverAsked, { state: 'in-progress' }, { set: { data: { ...second.data, taskId: undefined, taskAttempt: undefined } } });
    fixture.tasks.created.splice(fixture.tasks.created.findIndex((task) => task.deviceId === neverAsked), 1);
    const tasksBefore = fixture.tasks.created.length;

    fixture.clock.now += 31_000;
    const podB = fixture.pod('pod-b');
    await podB.engine.tick(campaign.id);
    const adopted = fixture.tasks.created.find((task) => task.deviceId === asked)!;
    expect(await rollouts.getTarget(campaign.id, asked)).toMatchObject({ state: 'in-progress', attempts: 1, data: { taskId: adopted.taskId, taskAttempt: 1 } });
    const askedNow = fixture.tasks.created.filter((task) => task.deviceId === neverAsked);
    expect(askedNow).toHaveLength(1);
    expect(await rollouts.getTarget(campaign.id, neverAsked)).toMatchObject({ state: 'in-progress', attempts: 1, data: { taskId: askedNow[0].taskId, taskAttempt: 1 } });
    // No device got a second task: the two in progress keep theirs, the tick filled no slot (concurrency 2).
    expect(fixture.tasks.created.length).toBe(tasksBefore + 1);
  });
});
