import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { status } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { DataModel, SimulatedCpe } from '@acs/cpe-sim';

import { failureOf } from '@acs/platform';

import { call, collect, eventually, healthStatus, type AcsV1Clients } from '../nbi/support/nbi-client';
import { startNbiPods, type NbiPods } from '../nbi/support/nbi-pods';
import type { NbiProcess } from '../nbi/support/nbi-process';
import { freePort, metric, REPO_ROOT, sharedInfrastructureEnv, type RunningApp } from '../support/processes';

const run = promisify(execFile);

/**
 * The nbi pod when what it depends on goes away and comes back: its own FerretDB for the audit log, and a Kafka broker
 * of its own (deploy/local/*.sh with their own state dir and ports) for the pods of this test, so that stopping them
 * disturbs nothing else. Provisioning keeps its devices on the shared FerretDB, and sessions on the shared Redis.
 */
describe('nbi pod through audit-store and Kafka outages', () => {
  const state = mkdtempSync(join(tmpdir(), 'acs-nbi-outage-'));
  const dir = mkdtempSync(join(tmpdir(), 'acs-nbi-outage-clients-'));
  const runId = randomBytes(4).toString('hex');
  const infraEnv: NodeJS.ProcessEnv = { ...process.env, ACS_INFRA_STATE: state };
  const cpes: SimulatedCpe[] = [];
  let auditUrl: string;
  let pods: NbiPods;
  let gateway: RunningApp;
  let nbi: NbiProcess;
  let api: AcsV1Clients;

  async function server(script: 'kafka' | 'mongo', command: 'start' | 'stop'): Promise<void> {
    await run('bash', [join(REPO_ROOT, 'deploy', 'local', `${script}.sh`), command], { env: infraEnv, timeout: 150_000 });
  }

  async function statuses(): Promise<Record<string, string>> {
    const [all, devices, events, audit] = await Promise.all(
      ['', 'acs.v1.DeviceService', 'acs.v1.EventService', 'acs.v1.AuditService'].map((service) => healthStatus(nbi.nbiAddress, service)),
    );
    return { all, devices, events, audit };
  }

  async function newCpe(serialNumber: string): Promise<SimulatedCpe> {
    const cpe = new SimulatedCpe({
      acsUrl: gateway.cwmpUrl,
      model: DataModel.builtin('tr181'),
      oui: 'E2E0A3',
      productClass: 'OutageRouter',
      serialNumber,
      periodicInformInterval: 3600,
      connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
    });
    cpes.push(cpe);
    return cpe;
  }

  beforeAll(async () => {
    const kafkaPort = await freePort();
    const mongoPort = await freePort();
    Object.assign(infraEnv, { ACS_KAFKA_PORT: String(kafkaPort), ACS_KAFKA_CONTROLLER_PORT: String(await freePort()), ACS_MONGO_PORT: String(mongoPort) });
    await Promise.all([server('kafka', 'start'), server('mongo', 'start')]);
    auditUrl = `mongodb://127.0.0.1:${mongoPort}/acs_nbi_outage`;
    const podEnv = { ...sharedInfrastructureEnv(runId), ACS_KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`, ACS_PUBLISH_TIMEOUT_MS: '1000', ACS_OUTBOX_RELAY_INTERVAL_MS: '250' };
    pods = await startNbiPods(dir, {
      pods: podEnv,
      gateway: { ACS_PLAN_WAIT_MS: '3000' },
      nbi: { ACS_MONGO_URL: auditUrl, ACS_MONGO_SERVER_SELECTION_TIMEOUT_MS: '1000', ACS_NBI_HEALTH_INTERVAL_MS: '500' },
    });
    ({ gateway, nbi, api } = pods);
    await eventually(statuses, (s) => s.all === 'SERVING', 30_000);
  }, 240_000);

  afterAll(async () => {
    for (const cpe of cpes) await cpe.stop();
    await pods?.stop();
    await Promise.all([server('kafka', 'stop').catch(() => undefined), server('mongo', 'stop').catch(() => undefined)]);
    rmSync(state, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('goes on serving while the audit store is away, and writes the entries of that time once it is back', async () => {
    const cpe = await newCpe(`A${runId.toUpperCase()}`);
    await cpe.start();
    await cpe.idle();
    await eventually(
      () => failureOf(call(api.devices.getDevice.bind(api.devices), acsV1.GetDeviceRequest.fromPartial({ deviceId: cpe.deviceId }))).catch(() => undefined),
      (error) => error === undefined,
      20_000,
      200,
    );

    await server('mongo', 'stop');
    const away = await eventually(statuses, (s) => s.audit === 'NOT_SERVING', 10_000);
    // Listing the audit log needs its store; everything else does not.
    expect(away).toEqual({ all: 'NOT_SERVING', devices: 'SERVING', events: 'SERVING', audit: 'NOT_SERVING' });
    const tags = ['outage-1', 'outage-2', 'outage-3'];
    for (const tag of tags) await call(api.devices.tagDevice.bind(api.devices), acsV1.TagDeviceRequest.fromPartial({ deviceId: cpe.deviceId, tags: [tag] }));
    const listing = await failureOf(call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({})));
    expect(listing.code).toBe(status.UNAVAILABLE);
    expect(await metric(nbi.mgmtUrl, 'acs_nbi_audit_pending_entries')).toBeGreaterThanOrEqual(tags.length);

    await server('mongo', 'start');
    await eventually(statuses, (s) => s.all === 'SERVING', 30_000);
    const { records } = await eventually(
      () =>
        call(api.audit.listAuditRecords.bind(api.audit), acsV1.ListAuditRecordsRequest.fromPartial({ client: 'admin', resourceType: 'devices' })).catch(() => ({
          records: [] as acsV1.AuditRecord[],
        })),
      (page) => page.records.filter((r) => r.method === '/acs.v1.DeviceService/TagDevice').length >= tags.length,
      60_000,
      250,
    );
    const tagged = records.filter((r) => r.method === '/acs.v1.DeviceService/TagDevice');
    // Newest first: the three calls of the outage, each once, in the order they were made.
    expect(tagged.map((r) => ({ target: r.target, outcome: r.outcome }))).toEqual(tags.map(() => ({ target: cpe.deviceId, outcome: 'OK' })));
    expect(tagged.length).toBe(tags.length);
    expect(await metric(nbi.mgmtUrl, 'acs_nbi_audit_pending_entries')).toBe(0);
    expect(await metric(nbi.mgmtUrl, 'acs_nbi_audit_entries_dropped_total')).toBe(0);
    const device = await call(api.devices.getDevice.bind(api.devices), acsV1.GetDeviceRequest.fromPartial({ deviceId: cpe.deviceId, parameterPrefix: 'Device.DeviceInfo.' }));
    expect(device.device?.tags).toEqual(expect.arrayContaining(tags));
  }, 180_000);

  it('keeps a WatchEvents stream open while Kafka is away and delivers what happened meanwhile once it is back', async () => {
    const cpe = await newCpe(`K${runId.toUpperCase()}`);
    // `since` now: the stream sends nothing before its first event, so there is no telling when the server has
    // registered the watch; with since, an event that reached the server before that is replayed to it.
    const stream = api.events.watchEvents(
      acsV1.WatchEventsRequest.fromPartial({ types: ['acs.device.registered'], deviceIds: [cpe.deviceId], since: new Date() }),
      { deadline: Date.now() + 170_000 },
    );
    const registered = collect(stream, () => true, 170_000);

    await server('kafka', 'stop');
    const away = await eventually(statuses, (s) => s.events === 'NOT_SERVING', 15_000);
    expect(away).toMatchObject({ all: 'NOT_SERVING', events: 'NOT_SERVING', devices: 'SERVING' });
    // The device's first session completes while Kafka is away; the gateway keeps what it has to publish.
    await cpe.start();
    await cpe.idle();

    await server('kafka', 'start');
    // The pod's log says whether its hub's consumers stopped and rejoined (KafkaSubscription logs both).
    const [event] = await registered.catch((error: Error) => {
      throw new Error(`${error.message}\nnbi log, last lines:\n${nbi.output().slice(-20_000)}`);
    });
    expect(event.event).toMatchObject({ type: 'acs.device.registered', subject: cpe.deviceId, topic: 'acs.device' });
    stream.cancel();
    await eventually(statuses, (s) => s.all === 'SERVING', 30_000);
  }, 180_000);
});
