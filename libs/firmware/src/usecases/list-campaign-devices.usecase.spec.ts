import { acsV1 as pb } from '@acs/contracts';
import { GrpcServerHost, NotFoundError, ValidationError } from '@acs/platform';
import { DEFAULT_RETRY, type RolloutPolicy } from '@acs/rollout';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';

import { CampaignGrpcController } from '../api/campaign-grpc.controller';
import type { DeviceFacts } from '../domain';
import { CampaignFixture, chunksOf } from '../testing';

const OUI = 'A1B2C3';

const POLICY: RolloutPolicy = {
  waves: { canary: 3, step: { size: 10 }, minSuccessPercent: 0, soakMs: 0 },
  windows: [],
  timeZone: 'UTC',
  concurrency: 50,
  mode: 'active',
  retry: DEFAULT_RETRY,
  attemptTimeoutMs: 3_600_000,
};

function device(productClass: string, serial: number, softwareVersion: string): DeviceFacts {
  return { id: `${OUI}-${productClass}-S${String(serial).padStart(4, '0')}`, oui: OUI, productClass, hardwareVersion: 'hw1', softwareVersion };
}

/**
 * The campaign's devices, by id (the order the inventory gives them, hence their insertion order): AP-S0000…3 on 3.0
 * (targets), GW-S0000…1 already on 2.0 (skipped), GW-S0002…5 on 1.0 (targets), STB-S0001 without an image (skipped).
 */
const FLEET = [...Array.from({ length: 4 }, (_, i) => device('AP', i, '3.0')), ...Array.from({ length: 6 }, (_, i) => device('GW', i, i < 2 ? '2.0' : '1.0')), device('STB', 1, '9.9')];
const ids = (devices: ReadonlyArray<{ deviceId: string }>) => devices.map((d) => d.deviceId.replace(`${OUI}-`, ''));

describe('ListCampaignDevices (embedded store)', () => {
  let fixture: CampaignFixture;
  let campaignId: string;

  beforeEach(async () => {
    fixture = await CampaignFixture.open();
    for (const d of FLEET) fixture.inventory.devices.set(d.id, d);
    const image = async (productClass: string, softwareVersion: string) =>
      fixture.firmware.useCases.uploadFile.execute({
        description: { name: `${productClass}-${softwareVersion}.bin`, fileType: '1 Firmware Upgrade Image', targets: [{ oui: OUI, productClass, hardwareVersions: [] }], softwareVersion, notes: '' },
        createdBy: 'ops',
        content: chunksOf(Buffer.from(`image ${productClass} ${softwareVersion}`)),
      });
    const [gw, ap] = [await image('GW', '2.0'), await image('AP', '3.1')];
    const campaign = await fixture.useCases.createCampaign.execute({
      name: 'spring',
      filter: '',
      imageRules: [
        { productClass: 'GW', fileId: gw.id },
        { productClass: 'AP', fileId: ap.id },
      ],
      policy: POLICY,
      createdBy: 'alice',
    });
    campaignId = campaign.id;
    // The canary (AP-S0000…2) starts; one fails with the CPE's fault, one succeeds, one is still downloading.
    await fixture.core.engine.tick(campaignId);
    const [ok, faulty, busy] = fixture.tasks.created;
    const onTask = (task: typeof ok, status: 'dispatched' | 'faulted', fault?: { code: string; message: string }) =>
      fixture.useCases.recordUpgradeOutcome.onTask({ taskId: task.taskId, deviceId: task.deviceId, kind: 'download', status, source: task.source, attempts: 1, ...(fault ? { fault: { ...fault, transient: false } } : {}) });
    fixture.clock.now += 5_000;
    await onTask(faulty, 'faulted', { code: '9018', message: 'File corrupted (injected install failure)' });
    await onTask(busy, 'dispatched');
    await fixture.useCases.recordUpgradeOutcome.onDevice({ deviceId: ok.deviceId, oui: OUI, productClass: 'AP', serialNumber: 'x', softwareVersion: '3.1', eventCodes: ['1 BOOT'] });
  });
  afterEach(() => fixture.close());

  const list = (command: { states?: string[]; wave?: number; after?: number; limit?: number } = {}) =>
    fixture.useCases.listCampaignDevices.execute({ campaignId, states: command.states ?? [], limit: command.limit ?? 100, ...command });

  it('answers every device in insertion order with its state, and a failed one with why', async () => {
    const { devices, nextAfter } = await list();
    expect(nextAfter).toBeUndefined();
    expect(ids(devices)).toEqual(FLEET.map((d) => d.id.replace(`${OUI}-`, '')));
    expect(devices.map((d) => d.state)).toEqual(['succeeded', 'failed', 'in-progress', 'pending', 'skipped', 'skipped', 'pending', 'pending', 'pending', 'pending', 'skipped']);
    const started = fixture.tasks.created[1];
    expect(devices[1]).toEqual({
      deviceId: `${OUI}-AP-S0001`,
      state: 'failed',
      stage: 'queued',
      wave: 0,
      attempts: 1,
      error: { code: '9018', message: 'File corrupted (injected install failure)' },
      previousVersion: '3.0',
      targetVersion: '3.1',
      taskId: started.taskId,
      startedAt: fixture.clock.now - 5_000,
      finishedAt: fixture.clock.now,
      seq: devices[1].seq,
    });
    expect(devices[2]).toMatchObject({ state: 'in-progress', stage: 'downloading', wave: 0 });
    expect(devices[4]).toEqual({ deviceId: `${OUI}-GW-S0000`, state: 'skipped', attempts: 0, skipReason: 'already on 2.0', seq: devices[4].seq, finishedAt: expect.any(Number) });
    expect(devices[10]).toMatchObject({ state: 'skipped', skipReason: 'no image rule matches this device' });
    expect(devices[10].targetVersion).toBeUndefined();
  });

  it('narrows to states and to a wave', async () => {
    expect(ids((await list({ states: ['failed'] })).devices)).toEqual(['AP-S0001']);
    expect(ids((await list({ states: ['skipped', 'failed', 'skipped'] })).devices)).toEqual(['AP-S0001', 'GW-S0000', 'GW-S0001', 'STB-S0001']);
    expect(ids((await list({ wave: 0 })).devices)).toEqual(['AP-S0000', 'AP-S0001', 'AP-S0002']);
    expect(ids((await list({ wave: 0, states: ['in-progress', 'succeeded'] })).devices)).toEqual(['AP-S0000', 'AP-S0002']);
    expect((await list({ wave: 1 })).devices).toEqual([]);
  });

  it('pages after the last device returned, neither repeating nor skipping one that changes state between pages', async () => {
    const first = await list({ limit: 4 });
    expect(ids(first.devices)).toEqual(['AP-S0000', 'AP-S0001', 'AP-S0002', 'AP-S0003']);
    expect(first.nextAfter).toBe(first.devices[3].seq);
    // The canary's last device succeeds and the next wave starts between two pages: devices on both sides of the
    // page boundary change state.
    fixture.clock.now += 1_000;
    await fixture.useCases.recordUpgradeOutcome.onDevice({ deviceId: `${OUI}-AP-S0002`, oui: OUI, productClass: 'AP', serialNumber: 'x', softwareVersion: '3.1', eventCodes: ['1 BOOT'] });
    await fixture.core.engine.tick(campaignId);
    expect(await list({ states: ['in-progress'] })).toMatchObject({ devices: [{ deviceId: `${OUI}-AP-S0003`, wave: 1 }, {}, {}, {}, {}] });
    const second = await list({ limit: 4, after: first.nextAfter });
    expect(ids(second.devices)).toEqual(['GW-S0000', 'GW-S0001', 'GW-S0002', 'GW-S0003']);
    expect(second.devices[2]).toMatchObject({ state: 'in-progress', wave: 1 });
    const third = await list({ limit: 4, after: second.nextAfter });
    expect(ids(third.devices)).toEqual(['GW-S0004', 'GW-S0005', 'STB-S0001']);
    expect(third.nextAfter).toBeUndefined();
    // A page exactly at the end says there is no next one.
    expect((await list({ limit: 11 })).nextAfter).toBeUndefined();
  });

  it('names every unknown state, and refuses an unknown campaign', async () => {
    const refused = await list({ states: ['failed', 'broken', 'FAILED'] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fieldViolations.map((v) => v.field)).toEqual(['states[1]', 'states[2]']);
    expect((refused as ValidationError).message).toContain('unknown state "broken" (known: pending, scheduled, in-progress, retry-wait, succeeded, failed, skipped)');
    await expect(fixture.useCases.listCampaignDevices.execute({ campaignId: 'absent', states: [], limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('over gRPC (CampaignGrpcController)', () => {
    let host: GrpcServerHost;
    let client: pb.CampaignServiceClient;
    beforeEach(async () => {
      host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
      host.addService(pb.CampaignServiceService, new CampaignGrpcController(fixture.useCases).implementation);
      client = new pb.CampaignServiceClient(`127.0.0.1:${await host.start()}`, credentials.createInsecure());
    });
    afterEach(async () => {
      client.close();
      await host.stop(0);
    });

    const call = (request: Partial<pb.ListCampaignDevicesRequest>) =>
      new Promise<pb.ListCampaignDevicesResponse>((resolve, reject) =>
        client.listCampaignDevices(pb.ListCampaignDevicesRequest.fromPartial({ campaignId, ...request }), (error, response) => (error ? reject(error) : resolve(response!))),
      );
    const failure = (request: Partial<pb.ListCampaignDevicesRequest>) => call(request).then(
      () => {
        throw new Error('expected a failure');
      },
      (error: ServiceError) => error,
    );

    it('maps a device whole and pages with opaque tokens to the end', async () => {
      const { devices } = await call({ states: ['failed'] });
      expect(devices).toEqual([
        {
          deviceId: `${OUI}-AP-S0001`,
          state: 'failed',
          stage: 'queued',
          wave: 0,
          attempts: 1,
          error: { code: '9018', message: 'File corrupted (injected install failure)' },
          skipReason: '',
          previousVersion: '3.0',
          targetVersion: '3.1',
          taskId: fixture.tasks.created[1].taskId,
          startTime: new Date(fixture.clock.now - 5_000),
          finishTime: new Date(fixture.clock.now),
        },
      ]);
      const pending = (await call({ states: ['pending'] })).devices[0];
      expect(pending.wave).toBeUndefined();
      expect(pending.error).toBeUndefined();
      expect(pending.startTime).toBeUndefined();

      const seen: string[] = [];
      let pageToken = '';
      do {
        const page = await call({ pageSize: 3, pageToken });
        seen.push(...ids(page.devices));
        pageToken = page.nextPageToken;
        if (pageToken !== '') expect(pageToken).toMatch(/^[A-Za-z0-9_-]+$/);
      } while (pageToken !== '');
      expect(seen).toEqual(FLEET.map((d) => d.id.replace(`${OUI}-`, '')));
    });

    it('refuses a bad token, a token of another query, an unknown state and an unknown campaign', async () => {
      const { nextPageToken } = await call({ pageSize: 2, states: ['pending', 'skipped'] });
      // The same states in another order are the same query.
      expect((await call({ pageSize: 2, states: ['skipped', 'pending'], pageToken: nextPageToken })).devices).toHaveLength(2);
      for (const request of [{ pageToken: 'garbage!' }, { pageToken: nextPageToken, states: ['pending'] }, { pageToken: nextPageToken, states: ['pending', 'skipped'], wave: 0 }]) {
        const error = await failure(request);
        expect(error.code).toBe(status.INVALID_ARGUMENT);
        expect(error.details).toMatch(/^page_token: /);
      }
      expect((await failure({ states: ['oops'] })).details).toContain('states[0]: unknown state "oops"');
      expect((await failure({ campaignId: '' })).code).toBe(status.INVALID_ARGUMENT);
      expect((await failure({ campaignId: 'absent' })).code).toBe(status.NOT_FOUND);
    });
  });
});
