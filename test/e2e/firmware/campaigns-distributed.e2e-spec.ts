import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ClientWritableStream } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel, simulatorImage } from '@acs/cpe-sim';

import { call, eventually, NbiChannel, type AcsV1Clients } from '../nbi/support/nbi-client';
import { writeTestClients } from '../nbi/support/nbi-clients-file';
import { startNbiProcess, type NbiProcess } from '../nbi/support/nbi-process';
import { freePort, sharedInfrastructureEnv, startApp, type RunningApp } from '../support/processes';
import { TcpBalancer } from '../support/tcp-balancer';

/** Devices of the run; ACS_E2E_DISTRIBUTED_CAMPAIGN_CPES runs more (a figure on a larger fleet). */
const CPES = Number(process.env.ACS_E2E_DISTRIBUTED_CAMPAIGN_CPES ?? 60);
/** Waits grow with the fleet (at most 1,000 devices: one page of the listings below). */
const SCALE = Math.max(1, CPES / 60);
const OUI = '001122';
const PRODUCT_CLASS = 'SimGateway';
/** How long a firmware pod drives a campaign without ticking before the other takes it over (default 30 s). */
const LEASE_MS = 10_000;

/**
 * Campaigns on the distributed ACS (Kafka, Redis, FerretDB): provisioning, a gateway, two firmware pods and an nbi
 * in front of each (the public API reaches a campaign through either pod). Both pods consume the task and device
 * events; only the pod driving a campaign writes its devices' state (observations, ADR 23), so the two never undo each
 * other's outcome — on FerretDB too, which does not isolate concurrent updates of one document. The second campaign
 * loses its driving pod to SIGKILL half way: the other takes it over and finishes it.
 */
describe('firmware campaigns on the distributed ACS, two firmware pods', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acs-campaigns-distributed-'));
  const run = randomBytes(4).toString('hex');
  const shared = sharedInfrastructureEnv(run);
  const pods: Array<{ stop(): Promise<unknown> }> = [];
  const firmware: Array<{ name: string; app: RunningApp; api: AcsV1Clients }> = [];
  const channels: NbiChannel[] = [];
  let api: AcsV1Clients;
  let fleet: CpeFleet;
  let fileServers: TcpBalancer | undefined;

  beforeAll(async () => {
    const clients = writeTestClients(dir);
    const provisioning = await startApp('provisioning', shared).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    pods.push(provisioning);
    const gateway = await startApp('cwmp-gateway', { ...shared, ACS_PLAN_WAIT_MS: '3000', ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS: '0' });
    pods.push(gateway);
    // CPEs download from the file servers behind one address, as through a Kubernetes Service: a download in flight
    // when its pod dies is cut, and the CPE's retry reaches the other pod.
    const filePorts = [await freePort(), await freePort()];
    fileServers = new TcpBalancer(filePorts.map((port) => ({ host: '127.0.0.1', port })));
    const filesUrl = `http://${await fileServers.listen()}/`;
    const firmwareEnv = { ...shared, ACS_FIRMWARE_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_FIRMWARE_TICK_MS: '500', ACS_FIRMWARE_LEASE_MS: String(LEASE_MS), ACS_LOG_LEVEL: process.env.ACS_E2E_FIRMWARE_LOG_LEVEL ?? 'info' };
    for (const [index, pod] of ['fw-a', 'fw-b'].entries()) {
      const name = `${pod}-${run}`;
      // Into a file: the whole log is read for the pod's "drives campaign" line (a pipe keeps only its tail).
      const app = await startApp('firmware', { ...firmwareEnv, ACS_POD_NAME: name, ACS_FIRMWARE_FILES_PORT: String(filePorts[index]), ACS_FIRMWARE_FILES_PUBLIC_URL: filesUrl }, { stdoutFile: join(process.env.ACS_E2E_LOG_DIR ?? dir, `${name}.log`) });
      pods.push(app);
      const nbi: NbiProcess = await startNbiProcess({ ...shared, ACS_NBI_CLIENTS_FILE: clients.file, ACS_NBI_PROVISIONING_ADDRESS: provisioning.grpcAddress, ACS_NBI_FIRMWARE_ADDRESS: app.grpcAddress });
      pods.push(nbi);
      const channel = new NbiChannel(nbi.nbiAddress);
      channels.push(channel);
      firmware.push({ name, app, api: channel.clients(clients.admin) });
    }
    api = firmware[0].api;
    fleet = new CpeFleet({
      count: CPES,
      acsUrl: gateway.cwmpUrl,
      model: DataModel.builtin('tr181'),
      ouiPrefix: OUI,
      productClass: PRODUCT_CLASS,
      serialPrefix: `D${run.toUpperCase()}`,
      softwareVersion: '1.0.0',
      periodicInformInterval: 3600,
      connectionRequestPort: 0,
      // Slow enough that a kill finds devices downloading and installing.
      firmware: { installMs: 1000 },
      rebootDelayMs: 100,
    });
    await fleet.start();
  }, 240_000 * SCALE);

  afterAll(async () => {
    await fleet?.stop();
    for (const channel of channels) channel.close();
    for (const pod of pods.reverse()) await pod.stop();
    await fileServers?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const filter = () => `serialNumber LIKE "D${run.toUpperCase()}%"`;

  function upload(version: string): Promise<string> {
    const image = simulatorImage({ version, models: [`${OUI}:${PRODUCT_CLASS}`], size: 64 * 1024 });
    return new Promise((resolve, reject) => {
      const stream: ClientWritableStream<acsV1.UploadFileRequest> = api.files.uploadFile((error, response) => (error ? reject(error) : resolve(response!.file!.id)));
      stream.write({
        part: {
          $case: 'metadata',
          metadata: acsV1.FileMetadata.fromPartial({ name: `gw-${version}.img`, fileType: '1 Firmware Upgrade Image', targets: [{ oui: OUI, productClass: PRODUCT_CLASS, hardwareVersions: [] }], softwareVersion: version }),
        },
      });
      stream.write({ part: { $case: 'chunk', chunk: image } });
      stream.end({ part: { $case: 'complete', complete: { size: image.length } } });
    });
  }

  function createCampaign(clients: AcsV1Clients, name: string, fileId: string, policy: Partial<acsV1.RolloutPolicy>): Promise<acsV1.Campaign> {
    return call(clients.campaigns.createCampaign.bind(clients.campaigns), acsV1.CreateCampaignRequest.fromPartial({ name, filter: filter(), imageRules: [{ fileId }], policy })).then(
      (response) => response.campaign!,
    );
  }

  function getCampaign(clients: AcsV1Clients, campaignId: string): Promise<acsV1.GetCampaignResponse> {
    // A campaign's progress is a few dozen counts, each a scan on FerretDB: slow on a loaded box, so a longer deadline.
    return call(clients.campaigns.getCampaign.bind(clients.campaigns), { campaignId }, 30_000);
  }

  /** Every device on `version`, upgraded by one Download task of the campaign (provisioning's record) and downloading its file once (the CPEs' own). */
  async function expectEachUpgradedOnce(campaignId: string, fileId: string, version: string): Promise<void> {
    const listed = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ filter: filter(), pageSize: 1000 }));
    expect(new Set(listed.devices.map((device) => device.softwareVersion))).toEqual(new Set([version]));
    const { tasks } = await call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ source: `firmware:${campaignId}`, pageSize: 1000 }));
    expect(tasks.map((task) => task.deviceId).sort()).toEqual(fleet.cpes.map((cpe) => cpe.deviceId).sort());
    expect(tasks.every((task) => task.attempts === 1 && task.status === acsV1.TaskStatus.TASK_STATUS_DONE)).toBe(true);
    // Each CPE got the campaign's Download once: a second one may flash the image twice (it used to reach 3–4 CPEs of
    // 60: provisioning's tick dispatched new tasks beside their creator, ADR 24).
    const downloadsOf = (cpe: (typeof fleet.cpes)[number]) => cpe.firmwareDownloads.filter((download) => download.url.includes(fileId));
    const twice = fleet.cpes.filter((cpe) => downloadsOf(cpe).length > 1);
    process.stdout.write(`CPEs that got campaign ${campaignId}'s Download RPC twice: ${twice.length}\n`);
    expect(twice.map((cpe) => ({ device: cpe.deviceId, downloads: downloadsOf(cpe).map((download) => download.commandKey) }))).toEqual([]);
  }

  it('upgrades every device once with both pods consuming the events, each verified by its reported version', async () => {
    await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ filter: filter(), pageSize: 1 })), (r) => r.totalSize === CPES, 60_000 * SCALE);
    // Connection requests need the credentials provisioning sets on each device; a device whose bootstrap session
    // ended before provisioning's plan got there takes them at its next session: run one, then wait for them all.
    await Promise.all(fleet.cpes.map((cpe) => cpe.idle()));
    await fleet.runSessions();
    const credentialsSet = (r: acsV1.ListTasksResponse) => r.tasks.filter((task) => task.status === acsV1.TaskStatus.TASK_STATUS_DONE).length === CPES;
    await eventually(
      () => call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ source: 'acs:connection-request-credentials', pageSize: 1000 })),
      credentialsSet,
      60_000 * SCALE,
      250,
    );
    const fileId = await upload('2.0.0');
    const started = Date.now();
    const campaign = await createCampaign(api, 'distributed', fileId, { canary: 5, stepPercent: 50, concurrency: 20, mode: 'active', attemptTimeoutMs: 120_000 });
    // Either pod's API answers for the campaign while it runs.
    await eventually(() => getCampaign(firmware[1].api, campaign.id), (r) => r.campaign!.id === campaign.id, 30_000);
    const done = await eventually(() => getCampaign(api, campaign.id), (r) => r.campaign!.status !== 'running', 150_000 * SCALE, 250);
    const seconds = (Date.now() - started) / 1000;
    expect(done.campaign!.status).toBe('completed');
    expect(done.progress!.counts).toMatchObject({ succeeded: CPES, failed: 0 });
    await expectEachUpgradedOnce(campaign.id, fileId, '2.0.0');
    process.stdout.write(`distributed campaign, two firmware pods: ${CPES} devices in ${seconds.toFixed(1)} s (${(CPES / seconds).toFixed(1)} devices/s)\n`);
  }, 240_000 * SCALE);

  it('goes on after the pod driving it is killed: the other takes it over, no device upgraded twice, none forgotten', async () => {
    const fileId = await upload('3.0.0');
    const campaign = await createCampaign(api, 'pod-killed', fileId, { canary: 0, stepPercent: 100, concurrency: 10, mode: 'active', attemptTimeoutMs: 120_000 });
    // When a pod last took the campaign over (its log's "drives campaign" line), 0 if never.
    const drivingSince = (pod: (typeof firmware)[number]) =>
      Math.max(0, ...pod.app.output().split('\n').filter((line) => line.includes(`this pod drives campaign ${campaign.id}`)).map((line) => Date.parse((JSON.parse(line) as { time: string }).time)));
    await eventually(
      () => getCampaign(api, campaign.id),
      (r) => (r.progress?.counts?.succeeded ?? 0) >= CPES / 3,
      120_000 * SCALE,
      100,
    );
    // The pod that took the campaign last drives it now (a slow tick on a loaded box can hand it over meanwhile:
    // then the kill still finds it mid-campaign, driven or about to be driven by the other).
    const [driver, survivor] = [...firmware].sort((a, b) => drivingSince(b) - drivingSince(a));
    expect(drivingSince(driver)).toBeGreaterThan(0);
    const before = await getCampaign(survivor.api, campaign.id);
    expect(before.campaign!.status).toBe('running');
    const exited = new Promise((resolve) => driver.app.process.once('exit', resolve));
    driver.app.process.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    process.stdout.write(`killed ${driver.name} with ${before.progress!.counts!.succeeded} of ${CPES} verified, ${before.progress!.counts!['in-progress'] ?? 0} in progress\n`);

    const done = await eventually(() => getCampaign(survivor.api, campaign.id), (r) => r.campaign!.status !== 'running', 200_000 * SCALE, 250);
    expect(drivingSince(survivor)).toBeGreaterThan(killedAt);
    expect(done.campaign!.status).toBe('completed');
    expect(done.progress!.counts).toMatchObject({ succeeded: CPES, failed: 0 });
    await expectEachUpgradedOnce(campaign.id, fileId, '3.0.0');
    process.stdout.write(`the other pod finished the campaign ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill\n`);
  }, 300_000 * SCALE);
});
