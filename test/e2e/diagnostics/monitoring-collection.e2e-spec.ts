import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AcsDiagnosticsEventType, isEvent, Topics, type AcsDiagnosticsAlarmEventData } from '@acs/contracts';
import { CpeFleet, DataModel, type BulkDataClock } from '@acs/cpe-sim';
import {
  DIAGNOSTICS_ALARMS,
  DIAGNOSTICS_MONITORING,
  DIAGNOSTICS_PROVISIONING,
  entryKey,
  loadDiagnosticsConfig,
  openSqliteDiagnosticsStore,
  type AlarmUseCases,
  type DiagnosticsStore,
  type MonitoringProfile,
  type MonitoringUseCases,
} from '@acs/diagnostics';
import type { ProvisioningClient } from '@acs/clients';
import { CwmpHttpServer, loadGatewayConfig } from '@acs/gateway';
import { EVENT_BUS, inProcessAdapters, type BusMessage, type EventBus } from '@acs/platform';
import { loadProvisioningConfig, openConfiguredEmbeddedStore } from '@acs/provisioning';
import pino from 'pino';

import { StandaloneModule } from '../../../apps/standalone/src/standalone.module';
import { freePort } from '../support/processes';

/**
 * Sample collection with every component real, in one process (the standalone's modules: gateway, provisioning,
 * diagnostics with its HTTP collector), simulated TR-181 CPEs, profiles and rules created and samples read through
 * the use cases (the NBI's samples RPCs come separately). Half the fleet is sampled by BulkData (the simulator's clock
 * injected: each report is exactly 60 s of traffic later), half by reads at its periodic Informs (sessions the test
 * starts). A subset of the BulkData half has its optical line degraded: alarms are raised on exactly those, and
 * cleared once they recover. ACS_E2E_MONITORING_CPES sets the fleet's size (default 100).
 */
const CPES = Number(process.env.ACS_E2E_MONITORING_CPES ?? 100);
const HALF = Math.floor(CPES / 2);
const DEGRADED = Math.max(1, Math.floor(HALF / 10));
const DOWN_BPS = 8e6;
const UP_BPS = 1e6;
const WAIT_MS = Math.max(60_000, CPES * 300);

/** The BulkData half's clock: the test moves it; no timer of its fires by itself. */
class ManualClock implements BulkDataClock {
  current = Date.now();
  now = (): number => this.current;
  setTimer(): () => void {
    return () => undefined;
  }
}

async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean, step?: () => Promise<void>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still not so after ${WAIT_MS} ms (last: ${JSON.stringify(value).slice(0, 500)})`);
    if (step) await step();
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`monitoring collection (in process, ${CPES} simulated TR-181 CPEs)`, () => {
  let dataDir: string;
  let app: INestApplication;
  let store: DiagnosticsStore;
  let monitoring: MonitoringUseCases;
  let alarms: AlarmUseCases;
  let provisioning: ProvisioningClient;
  let bulkFleet: CpeFleet;
  let readFleet: CpeFleet;
  const clock = new ManualClock();
  const alarmEvents: Array<BusMessage<AcsDiagnosticsAlarmEventData>> = [];
  let bulkProfile: MonitoringProfile;
  let readProfile: MonitoringProfile;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-monitoring-e2e-'));
    const env = {
      ACS_DATA_DIR: dataDir,
      ACS_GRPC_HOST: '127.0.0.1',
      ACS_GRPC_PORT: String(await freePort()),
      ACS_CWMP_HOST: '127.0.0.1',
      ACS_CWMP_PORT: String(await freePort()),
      ACS_PLAN_WAIT_MS: '1000',
      ACS_DIAGNOSTICS_HTTP_HOST: '127.0.0.1',
      ACS_DIAGNOSTICS_HTTP_PORT: String(await freePort()),
      ACS_DIAGNOSTICS_HTTP_SECRET: 'monitoring-e2e-secret-0123456789',
      // Rounds back to back and a walk per round: the test waits for what they do, never for their timers.
      ACS_DIAGNOSTICS_COLLECTION_ROUND_MS: '100',
      ACS_DIAGNOSTICS_COLLECTION_WALK_MS: '0',
      ACS_DIAGNOSTICS_COLLECTION_BATCH: '1000',
      ACS_DIAGNOSTICS_INGEST_CONCURRENCY: '64',
    };
    const provisioningConfig = loadProvisioningConfig(env);
    store = openSqliteDiagnosticsStore({ dataDir });
    app = await NestFactory.create(
      StandaloneModule.forRoot({
        store: await openConfiguredEmbeddedStore(dataDir, provisioningConfig.store),
        adapters: inProcessAdapters(),
        gateway: loadGatewayConfig(env),
        provisioning: provisioningConfig,
        diagnostics: { store, config: loadDiagnosticsConfig(env) },
        logger: pino({ level: 'warn' }),
      }),
      { logger: ['error', 'warn'] },
    );
    await app.init();
    monitoring = app.get(DIAGNOSTICS_MONITORING);
    alarms = app.get(DIAGNOSTICS_ALARMS);
    provisioning = app.get(DIAGNOSTICS_PROVISIONING);
    await app.get<EventBus>(EVENT_BUS).subscribe(Topics.acsDiagnostics, { group: 'monitoring-e2e', ephemeral: true }, async (message) => {
      if (isEvent(message, [AcsDiagnosticsEventType.alarmRaised, AcsDiagnosticsEventType.alarmCleared])) alarmEvents.push(message as BusMessage<AcsDiagnosticsAlarmEventData>);
    });
    const acsUrl = app.get(CwmpHttpServer).urls.cwmp;
    if (!acsUrl) throw new Error('the gateway listens on no CWMP URL');
    const common = { acsUrl, model: DataModel.builtin('tr181'), ouiPrefix: '00E0FC', periodicInformInterval: 86_400, line: { downstreamBitsPerSecond: DOWN_BPS, upstreamBitsPerSecond: UP_BPS, opticalRxDbm: -18 } };
    bulkFleet = new CpeFleet({ ...common, count: HALF, productClass: 'MonBulk', serialPrefix: 'MONB', clock });
    readFleet = new CpeFleet({ ...common, count: CPES - HALF, productClass: 'MonRead', serialPrefix: 'MONR' });
    // Their first sessions (0 BOOTSTRAP, 1 BOOT) register them; no CPE informs again unless the test says so.
    await bulkFleet.runSessions();
    await readFleet.runSessions();
    await until('every CPE registered', () => provisioning.devices.listDevices({ filter: '', projection: [], sort: [], pageSize: 1, pageToken: '', omitTotal: false }), (r) => r.totalSize === CPES);
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const entriesOf = async (profile: MonitoringProfile, fleet: CpeFleet) => {
    const keys = fleet.cpes.map((cpe) => entryKey(profile.id, cpe.deviceId));
    return [...(await store.collectionEntries.getMany(keys)).values()];
  };

  it('sets up BulkData on one half and reads the other at its periodic Informs', async () => {
    const metrics = ['wan.bytesReceived', 'wan.bytesSent', 'optical.rxPower'];
    bulkProfile = await monitoring.createMonitoringProfile.execute({ name: 'Optical and WAN (BulkData)', metrics, target: { filter: 'productClass = "MonBulk"' }, intervalSeconds: 60, source: 'bulkdata' });
    readProfile = await monitoring.createMonitoringProfile.execute({ name: 'Optical and WAN (reads)', metrics, target: { filter: 'productClass = "MonRead"' }, intervalSeconds: 60 });

    // Set-up tasks go with the devices' next sessions: sessions until every BulkData profile is configured.
    await until(
      'BulkData configured on every MonBulk CPE',
      () => entriesOf(bulkProfile, bulkFleet),
      (entries) => entries.length === HALF && entries.every((entry) => entry.bulkData?.phase === 'configured'),
      async () => void (await bulkFleet.runSessions(['2 PERIODIC'])),
    );
    const profiles = bulkFleet.cpes[0].model.value('Device.BulkData.Profile.1.HTTP.URL');
    expect(String(profiles)).toContain('/bulkdata?d=');

    // Every MonRead CPE has one read waiting for its periodic Inform.
    await until('a read armed for every MonRead CPE', () => entriesOf(readProfile, readFleet), (entries) => entries.length === CPES - HALF && entries.every((entry) => entry.readTaskId !== undefined));
  }, 600_000);

  it('stores BulkData reports as rates equal to the simulated traffic, and measures the ingest rate', async () => {
    const started = Date.now();
    await bulkFleet.reportBulkDataNow();
    clock.current += 60_000;
    await bulkFleet.reportBulkDataNow();
    const seconds = (Date.now() - started) / 1000;
    const cpe = bulkFleet.cpes[0];
    const rx = await monitoring.listSamples.execute({ deviceId: cpe.deviceId, metric: 'wan.bytesReceived', since: clock.current - 120_000, until: clock.current + 1_000, resolution: 'raw' });
    expect(rx.points).toHaveLength(2);
    expect(rx.points[1].rate).toBeCloseTo(DOWN_BPS / 8, 0);
    const tx = await monitoring.listSamples.execute({ deviceId: cpe.deviceId, metric: 'wan.bytesSent', since: clock.current - 120_000, until: clock.current + 1_000, resolution: 'raw' });
    expect(tx.points[1].rate).toBeCloseTo(UP_BPS / 8, 0);
    const optical = await monitoring.listSamples.execute({ deviceId: cpe.deviceId, metric: 'optical.rxPower', since: clock.current - 120_000, until: clock.current + 1_000, resolution: 'raw' });
    expect(optical.points.map((p) => p.value)).toEqual([-18, -18]);
    // Each report carries 4 values (3 metrics and the uptime) of one device.
    const reports = 2 * HALF;
    process.stdout.write(`monitoring e2e: ${reports} BulkData reports (${reports * 4} values) of ${HALF} CPEs stored in ${seconds.toFixed(2)} s: ${(reports / seconds).toFixed(0)} reports/s, ${((reports * 4) / seconds).toFixed(0)} values/s\n`);
  }, 600_000);

  it('stores the reads of periodic Informs as samples of the device', async () => {
    const started = Date.now();
    await readFleet.runSessions(['2 PERIODIC']);
    const cpe = readFleet.cpes[0];
    const optical = await until(
      'the first read of every MonRead CPE stored',
      async () => (await entriesOf(readProfile, readFleet)).filter((entry) => entry.lastReadAt !== undefined).length,
      (count) => count === CPES - HALF,
    );
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`monitoring e2e: ${optical} reads at periodic Informs stored in ${seconds.toFixed(2)} s (sessions included): ${(optical / seconds).toFixed(0)} reads/s\n`);
    const points = await monitoring.listSamples.execute({ deviceId: cpe.deviceId, metric: 'optical.rxPower', since: Date.now() - 600_000, until: Date.now() + 1, resolution: 'raw' });
    expect(points.points.map((p) => p.value)).toEqual([-18]);
    const rx = await monitoring.listSamples.execute({ deviceId: cpe.deviceId, metric: 'wan.bytesReceived', since: Date.now() - 600_000, until: Date.now() + 1, resolution: 'raw' });
    // The first reading of a counter has no rate yet; the next read is due 54 s later, at the Inform after that.
    expect(rx.points).toEqual([expect.objectContaining({ rate: null })]);
    expect(rx.points[0].value).toBeGreaterThan(0);
    // The next read waits for its time: none is armed before it is due.
    const entries = await entriesOf(readProfile, readFleet);
    expect(entries.every((entry) => entry.readTaskId === undefined && entry.dueAt !== undefined && entry.dueAt >= entry.lastReadAt! + 54_000)).toBe(true);
  }, 600_000);

  it('raises alarms on exactly the degraded CPEs, and clears them when they recover', async () => {
    const rule = await alarms.createThresholdRule.execute({
      name: 'Optical RX low',
      metric: 'optical.rxPower',
      target: { filter: 'productClass = "MonBulk"' },
      direction: 'below',
      raiseAt: -27,
      clearAt: -25,
      forSeconds: 120,
      clearForSeconds: 60,
      severity: 'major',
      enabled: true,
      createdBy: 'api:e2e',
    });
    const degraded = bulkFleet.cpes.slice(0, DEGRADED);
    const degradedIds = degraded.map((cpe) => cpe.deviceId).sort();
    bulkFleet.degradeLines(degraded);
    // Three reports a minute apart: the breach holds 120 s at the third.
    for (let i = 0; i < 3; i++) {
      clock.current += 60_000;
      await bulkFleet.reportBulkDataNow();
    }
    const active = await alarms.listAlarms.execute({ ruleId: rule.id, state: 'active', limit: 1000 });
    expect(active.alarms.map((alarm) => alarm.deviceId).sort()).toEqual(degradedIds);
    expect(active.alarms.every((alarm) => alarm.value <= -27)).toBe(true);
    await until('an alarm-raised event per degraded CPE', async () => alarmEvents.filter((e) => e.type === AcsDiagnosticsEventType.alarmRaised).map((e) => e.key).sort(), (keys) => keys.length === DEGRADED);
    expect(alarmEvents.filter((e) => e.type === AcsDiagnosticsEventType.alarmRaised).map((e) => e.key).sort()).toEqual(degradedIds);

    bulkFleet.recoverLines(degraded);
    for (let i = 0; i < 2; i++) {
      clock.current += 60_000;
      await bulkFleet.reportBulkDataNow();
    }
    expect((await alarms.listAlarms.execute({ ruleId: rule.id, state: 'active', limit: 1000 })).alarms).toEqual([]);
    expect((await alarms.listAlarms.execute({ ruleId: rule.id, state: 'cleared', limit: 1000 })).alarms.map((alarm) => alarm.deviceId).sort()).toEqual(degradedIds);
    await until('an alarm-cleared event per degraded CPE', async () => alarmEvents.filter((e) => e.type === AcsDiagnosticsEventType.alarmCleared).length, (count) => count === DEGRADED);
  }, 600_000);

  it('takes devices that leave a target out: their reads cancelled', async () => {
    await monitoring.updateMonitoringProfile.execute({ id: readProfile.id, name: readProfile.name, metrics: readProfile.metrics, target: { filter: 'productClass = "Nothing"' }, intervalSeconds: 60 });
    await until('every MonRead entry released', () => entriesOf(readProfile, readFleet), (entries) => entries.length === 0);
  }, 600_000);
});
