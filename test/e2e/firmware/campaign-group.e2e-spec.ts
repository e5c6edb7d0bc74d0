import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel, simulatorImage } from '@acs/cpe-sim';
import { deviceIdOf } from '@acs/cwmp';
import { createGroupingCore, openSqliteGroupingStore } from '@acs/grouping';
import type { ClientWritableStream } from '@grpc/grpc-js';
import pino from 'pino';
import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { bootstrapToken } from '../nbi/support/standalone-with-cpe';
import { REPO_ROOT, startApp, type RunningApp } from '../support/processes';

const CLI = join(REPO_ROOT, 'dist', 'apps', 'acsctl', 'src', 'main.js');
const OUI = '00A0B1';
const PER_MODEL = 3;
const boxId = (index: number) => deviceIdOf({ manufacturer: '', oui: OUI, productClass: 'SimBox', serialNumber: `GB${String(index).padStart(6, '0')}` });
const gatewayId = (index: number) => deviceIdOf({ manufacturer: '', oui: OUI, productClass: 'SimGateway', serialNumber: `GG${String(index).padStart(6, '0')}` });

/**
 * A campaign over a group in the standalone: the members come from its grouping core in process, their facts from
 * provisioning, and only the members matching the campaign's filter are upgraded. The group is put in the data
 * directory before the start (the public API has no GroupService yet), as a static group naming devices that have
 * not informed yet.
 */
describe('a firmware campaign over a group (standalone)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-campaign-group-'));
  let app: RunningApp;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  let token: string;
  let groupId: string;
  const fleets: CpeFleet[] = [];

  beforeAll(async () => {
    const store = openSqliteGroupingStore({ dataDir });
    const events = { groupCreated: async () => {}, groupChanged: async () => {}, groupDeleted: async () => {}, membershipChanged: async () => {} };
    const grouping = createGroupingCore({ store, inventory: { matchingIds: async () => ({ ids: [], nextPageToken: '' }), device: async () => null }, events, logger: pino({ level: 'silent' }) });
    const { group } = await grouping.useCases.createGroup.execute({ name: 'pilot', kind: 'static', createdBy: 'e2e' });
    groupId = group.id;
    // Two boxes and a gateway: the campaign's filter keeps the boxes.
    await grouping.useCases.addMembers.execute({ groupId, selection: { deviceIds: [boxId(0), boxId(2), gatewayId(1)] } });
    await store.close();

    app = await startApp('standalone', { ACS_DATA_DIR: dataDir, ACS_FIRMWARE_TICK_MS: '200' });
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
    channel = new NbiChannel(app.nbiAddress);
    token = await bootstrapToken(app);
    api = channel.clients(token);
    for (const [productClass, serialPrefix, softwareVersion] of [['SimBox', 'GB', '4.1'], ['SimGateway', 'GG', '1.0.0']] as const) {
      const fleet = new CpeFleet({
        count: PER_MODEL,
        acsUrl: app.cwmpUrl,
        model: DataModel.builtin('tr181'),
        ouiPrefix: OUI,
        productClass,
        serialPrefix,
        softwareVersion,
        periodicInformInterval: 3600,
        connectionRequestPort: 0,
        firmware: { installMs: 100 },
        rebootDelayMs: 100,
      });
      fleets.push(fleet);
      await fleet.start();
    }
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 })), (r) => r.totalSize === 2 * PER_MODEL, 120_000);
  }, 180_000);

  afterAll(async () => {
    for (const fleet of fleets) await fleet.stop();
    channel?.close();
    const code = await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  function upload(productClass: string, version: string): Promise<string> {
    const image = simulatorImage({ version, models: [`${OUI}:${productClass}`], size: 64 * 1024 });
    return new Promise((resolve, reject) => {
      const stream: ClientWritableStream<acsV1.UploadFileRequest> = api.files.uploadFile((error, response) => (error ? reject(error) : resolve(response!.file!.id)));
      stream.write({
        part: {
          $case: 'metadata',
          metadata: acsV1.FileMetadata.fromPartial({ name: `${productClass}-${version}.img`, fileType: '1 Firmware Upgrade Image', targets: [{ oui: OUI, productClass, hardwareVersions: [] }], softwareVersion: version }),
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

  it("upgrades the group's members that match the filter, and nothing else", async () => {
    const box = await upload('SimBox', '4.2');
    const gateway = await upload('SimGateway', '2.0.0');
    const created = await acsctl([
      'campaigns', 'create', 'pilot boxes', '--group', groupId, '--filter', 'productClass = "SimBox"',
      '--image', `${OUI}:SimBox=${box}`, '--image', `${OUI}:SimGateway=${gateway}`, '--concurrency', '10', '--timeout', '2m', '-o', 'json',
    ]);
    expect(created).toMatchObject({ code: 0 });
    const campaign = JSON.parse(created.stdout) as { id: string; groupId: string; selection: Record<string, unknown> };
    expect(campaign).toMatchObject({ groupId, selection: { matched: 2, targeted: 2, complete: true } });

    const done = await eventually(() => call(api.campaigns.getCampaign.bind(api.campaigns), { campaignId: campaign.id }), (r) => r.campaign!.status === 'completed', 120_000, 250);
    expect(done.progress!.counts).toMatchObject({ succeeded: 2 });
    const { devices } = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 100 }));
    const versions = Object.fromEntries(devices.map((d) => [d.id, d.softwareVersion]));
    expect(versions).toEqual({
      [boxId(0)]: '4.2',
      [boxId(1)]: '4.1',
      [boxId(2)]: '4.2',
      [gatewayId(0)]: '1.0.0',
      [gatewayId(1)]: '1.0.0',
      [gatewayId(2)]: '1.0.0',
    });
  }, 180_000);

  it('refuses a group the grouping service does not know, naming group_id', async () => {
    const box = await upload('SimBox', '4.3');
    const refused = call(
      api.campaigns.createCampaign.bind(api.campaigns),
      acsV1.CreateCampaignRequest.fromPartial({ name: 'nowhere', groupId: 'no-such-group', imageRules: [{ fileId: box }], policy: { concurrency: 1, mode: 'active', stepPercent: 100 } }),
    );
    await expect(refused).rejects.toMatchObject({ code: 3 /* INVALID_ARGUMENT */ });
    await expect(refused).rejects.toThrow(/group_id/);
  }, 60_000);
});
