import { credentials, InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel, type BulkDataClock } from '@acs/cpe-sim';

import { call, collect, eventually, NbiChannel, type AcsV1Clients } from '../../nbi/support/nbi-client';

/**
 * Performance monitoring's acceptance through the public API of a built ACS (`npm run -s build` first), the standalone
 * or the distributed pods: ACS_E2E_MONITORING_CPES simulated TR-181 CPEs (default 100; the caller may pass its own), half sampled by BulkData (the simulator's clock
 * injected: each report is 60 s of traffic after the one before), half by reads at their periodic Informs (sessions
 * the test starts). Profiles and a threshold rule created with MonitoringService, samples read back with ListSamples
 * as the simulated traffic rates, a subset's optical line degraded → alarms on exactly those (ListAlarms, WatchEvents),
 * recovered → cleared. Nothing waits on a timer: each wait ends at what it waits for, within a bound for a loaded box.
 */
const DOWN_BPS = 8e6;
const UP_BPS = 1e6;

/** The BulkData half's clock: the test moves it; no timer of its fires by itself. */
class ManualClock implements BulkDataClock {
  current = Date.now();
  now = (): number => this.current;
  setTimer(): () => void {
    return () => undefined;
  }
}

/** MonitoringService's generated client on the NBI, sending the token (the shared channel has no such client yet). */
function monitoringClient(address: string, token: string): acsV1.MonitoringServiceClient {
  const bearer: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  return new acsV1.MonitoringServiceClient(address, credentials.createInsecure(), { interceptors: [bearer] });
}

/** The ACS under test: where CPEs and API clients reach it, an API token, and how to stop it. */
export interface MonitoredAcs {
  cwmpUrl: string;
  nbiAddress: string;
  token: string;
  stop(): Promise<void>;
}

export function describeMonitoringAcceptance(label: string, options: { cpes: number; start: () => Promise<MonitoredAcs> }): void {
  const CPES = Number(process.env.ACS_E2E_MONITORING_CPES ?? options.cpes);
  const HALF = Math.floor(CPES / 2);
  const DEGRADED = Math.max(1, Math.floor(HALF / 10));
  const WAIT_MS = Math.max(60_000, CPES * 300);

  describe(`performance monitoring (${label}, ${CPES} simulated TR-181 CPEs)`, () => {
    let acs: MonitoredAcs;
    let channel: NbiChannel;
    let api: AcsV1Clients;
    let monitoring: acsV1.MonitoringServiceClient;
    let bulkFleet: CpeFleet;
    let readFleet: CpeFleet;
    const clock = new ManualClock();
    const rpc = <Req, Res>(method: (request: Req, callback: (error: unknown, response: Res) => void) => unknown, request: Req): Promise<Res> =>
      call(method.bind(monitoring) as never, request, 30_000) as Promise<Res>;

    beforeAll(async () => {
      acs = await options.start();
      const { token } = acs;
      channel = new NbiChannel(acs.nbiAddress);
      api = channel.clients(token);
      monitoring = monitoringClient(acs.nbiAddress, token);
      const common = { acsUrl: acs.cwmpUrl, model: DataModel.builtin('tr181'), ouiPrefix: '00E0FC', periodicInformInterval: 86_400, line: { downstreamBitsPerSecond: DOWN_BPS, upstreamBitsPerSecond: UP_BPS, opticalRxDbm: -18 } };
      bulkFleet = new CpeFleet({ ...common, count: HALF, productClass: 'MonBulk', serialPrefix: 'MONB', clock });
      readFleet = new CpeFleet({ ...common, count: CPES - HALF, productClass: 'MonRead', serialPrefix: 'MONR' });
      // Their first sessions (0 BOOTSTRAP, 1 BOOT) register them; no CPE informs again unless the test says so.
      await bulkFleet.runSessions();
      await readFleet.runSessions();
      await eventually(() => call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1 })), (r) => r.totalSize === CPES, WAIT_MS);
    }, 600_000);

    afterAll(async () => {
      monitoring?.close();
      channel?.close();
      await acs?.stop();
    });

    const series = (deviceId: string, metric: string, since: number, until: number) =>
      rpc<acsV1.ListSamplesRequest, acsV1.ListSamplesResponse>(monitoring.listSamples, acsV1.ListSamplesRequest.fromPartial({ deviceId, metric, since: new Date(since), until: new Date(until), resolution: acsV1.SampleResolution.SAMPLE_RESOLUTION_RAW }));
    const target = (filter: string) => ({ kind: { $case: 'filter' as const, filter } });
    const metrics = ['wan.bytesReceived', 'wan.bytesSent', 'optical.rxPower'];
    let readsSource = '';

    it('creates a BulkData profile and a reads profile: BulkData is set up on its devices', async () => {
      const bulk = await rpc<acsV1.CreateMonitoringProfileRequest, acsV1.CreateMonitoringProfileResponse>(
        monitoring.createMonitoringProfile,
        acsV1.CreateMonitoringProfileRequest.fromPartial({ name: 'Optical and WAN (BulkData)', metrics, target: target('productClass = "MonBulk"'), intervalSeconds: 60, source: 'bulkdata' }),
      );
      expect(bulk.profile).toMatchObject({ source: 'bulkdata', intervalSeconds: 60, enabled: true });
      const reads = await rpc<acsV1.CreateMonitoringProfileRequest, acsV1.CreateMonitoringProfileResponse>(
        monitoring.createMonitoringProfile,
        acsV1.CreateMonitoringProfileRequest.fromPartial({ name: 'Optical and WAN (reads)', metrics, target: target('productClass = "MonRead"'), intervalSeconds: 60 }),
      );
      expect(reads.profile?.source).toBe('reads');
      readsSource = `diagnostics:monitoring:${reads.profile!.id}`;

      // The set-up goes with each device's next sessions: sessions until every MonBulk CPE reports to the collector.
      const configured = () => bulkFleet.cpes.filter((cpe) => cpe.model.value('Device.BulkData.Profile.1.Enable') === 'true' && String(cpe.model.value('Device.BulkData.Profile.1.HTTP.URL')).includes('/bulkdata?d=')).length;
      await eventually(
        async () => {
          if (configured() < HALF) await bulkFleet.runSessions(['2 PERIODIC']);
          return configured();
        },
        (count) => count === HALF,
        WAIT_MS,
        10,
      );
      expect(bulkFleet.cpes[0].model.value('Device.BulkData.Profile.1.ReportingInterval')).toBe('60');
    }, 600_000);

    it('reads BulkData reports back as the simulated traffic rates, and measures the ingest rate', async () => {
      const started = Date.now();
      const first = await bulkFleet.reportBulkDataNow();
      clock.current += 60_000;
      const second = await bulkFleet.reportBulkDataNow();
      const seconds = (Date.now() - started) / 1000;
      expect([...first, ...second].every((delivery) => delivery.status === 204)).toBe(true);
      const reports = first.length + second.length;
      process.stdout.write(`monitoring e2e (NBI): ${reports} BulkData reports (${reports * 4} values) of ${HALF} CPEs ingested in ${seconds.toFixed(2)} s: ${(reports / seconds).toFixed(0)} reports/s, ${((reports * 4) / seconds).toFixed(0)} values/s\n`);
      // Samples are stored to the second (ADR 37): the window reaches past the last report's time.
      for (const cpe of [bulkFleet.cpes[0], bulkFleet.cpes[HALF - 1]]) {
        const rx = await series(cpe.deviceId, 'wan.bytesReceived', clock.current - 120_000, clock.current + 1_000);
        expect(rx).toMatchObject({ kind: 'counter', unit: 'bytes/s' });
        expect(rx.points).toHaveLength(2);
        expect(rx.points[1].value).toBeCloseTo(DOWN_BPS / 8, 0);
        const tx = await series(cpe.deviceId, 'wan.bytesSent', clock.current - 120_000, clock.current + 1_000);
        expect(tx.points[1].value).toBeCloseTo(UP_BPS / 8, 0);
        const optical = await series(cpe.deviceId, 'optical.rxPower', clock.current - 120_000, clock.current + 1_000);
        expect(optical.points.map((p) => p.value)).toEqual([-18, -18]);
      }
    }, 600_000);

    it('reads the other half at its periodic Informs', async () => {
      const started = Date.now();
      const since = started - 600_000;
      // Each read is a task of the profile's source that ends done in the session of the device's periodic Inform.
      const readDevices = async () => {
        const devices = new Set<string>();
        let pageToken = '';
        do {
          const page = await call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ source: readsSource, statuses: [acsV1.TaskStatus.TASK_STATUS_DONE], pageSize: 1000, pageToken }));
          for (const task of page.tasks) devices.add(task.deviceId);
          pageToken = page.nextPageToken;
        } while (pageToken !== '');
        return devices.size;
      };
      // A device whose read was not armed yet when it informed (the collection's rounds walk the target) is read at
      // its next periodic Inform: sessions until every one was.
      const count = await eventually(
        async () => {
          const read = await readDevices();
          if (read < CPES - HALF) await readFleet.runSessions(['2 PERIODIC']);
          return read;
        },
        (n) => n === CPES - HALF,
        WAIT_MS,
        200,
      );
      const seconds = (Date.now() - started) / 1000;
      process.stdout.write(`monitoring e2e (NBI): ${count} CPEs read at their periodic Informs within ${seconds.toFixed(2)} s (sessions included)\n`);
      // Their values are samples (ingested as the task's done event is followed: wait for the last CPE's).
      for (const cpe of [readFleet.cpes[0], readFleet.cpes[CPES - HALF - 1]]) {
        const optical = await eventually(() => series(cpe.deviceId, 'optical.rxPower', since, Date.now() + 60_000), (r) => r.points.length > 0, WAIT_MS, 200);
        expect(optical.points.map((p) => p.value)).toEqual([-18]);
      }
      const rx = await series(readFleet.cpes[0].deviceId, 'wan.bytesReceived', since, Date.now() + 60_000);
      // A first reading of a counter: its running total, no rate yet (the next read is due after 54 s, at an Inform).
      expect(rx.points).toHaveLength(1);
      expect(rx.points[0].value).toBeUndefined();
      expect(rx.points[0].reading).toBeGreaterThan(0);
    }, 600_000);

    it('raises an alarm on exactly the degraded CPEs, and clears it when they recover; both seen through WatchEvents', async () => {
      // Each watch replays from when it was asked for: it is opened before what it waits for is caused, and the replay
      // covers the stream being set up after that (an earlier `since` could precede the NBI's start).
      const watch = (type: string) =>
        collect(
          api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types: [type], since: new Date() }), { deadline: Date.now() + WAIT_MS + 60_000 }),
          (_message, all) => new Set(all.filter((m) => m.event!.type === type).map((m) => m.event!.subject)).size >= DEGRADED,
          WAIT_MS,
        ).then((all) => all.map((m) => m.event!).filter((event) => event.type === type));
      const raisedEvents = watch('acs.diagnostics.alarm-raised');
      const { rule } = await rpc<acsV1.CreateThresholdRuleRequest, acsV1.CreateThresholdRuleResponse>(
        monitoring.createThresholdRule,
        acsV1.CreateThresholdRuleRequest.fromPartial({ name: 'Optical RX low', metric: 'optical.rxPower', target: { kind: { $case: 'filter', filter: 'productClass = "MonBulk"' } }, direction: 'below', raiseAt: -27, clearAt: -25, forSeconds: 120, clearForSeconds: 60, severity: 'major' }),
      );
      const degraded = bulkFleet.cpes.slice(0, DEGRADED);
      const degradedIds = degraded.map((cpe) => cpe.deviceId).sort();
      bulkFleet.degradeLines(degraded);
      // Three reports a minute apart: the breach has held 120 s at the third.
      for (let i = 0; i < 3; i++) {
        clock.current += 60_000;
        await bulkFleet.reportBulkDataNow();
      }
      const alarms = (state: string) =>
        rpc<acsV1.ListAlarmsRequest, acsV1.ListAlarmsResponse>(monitoring.listAlarms, acsV1.ListAlarmsRequest.fromPartial({ ruleId: rule!.id, state, pageSize: 1000 })).then((r) => r.alarms);
      const active = await alarms('active');
      expect(active.map((alarm) => alarm.deviceId).sort()).toEqual(degradedIds);
      expect((await raisedEvents).map((event) => event.subject).sort()).toEqual(degradedIds);

      const clearedEvents = watch('acs.diagnostics.alarm-cleared');
      bulkFleet.recoverLines(degraded);
      for (let i = 0; i < 2; i++) {
        clock.current += 60_000;
        await bulkFleet.reportBulkDataNow();
      }
      expect(await alarms('active')).toEqual([]);
      expect((await alarms('cleared')).map((alarm) => alarm.deviceId).sort()).toEqual(degradedIds);
      expect((await clearedEvents).map((event) => event.subject).sort()).toEqual(degradedIds);
    }, 600_000);

    it('cancels the reads waiting for Informs of a profile disabled', async () => {
      const { profile } = await rpc<acsV1.CreateMonitoringProfileRequest, acsV1.CreateMonitoringProfileResponse>(
        monitoring.createMonitoringProfile,
        acsV1.CreateMonitoringProfileRequest.fromPartial({ name: 'CPU', metrics: ['system.cpuUsage'], target: target('productClass = "MonRead"'), intervalSeconds: 60 }),
      );
      const source = `diagnostics:monitoring:${profile!.id}`;
      const pending = () =>
        call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ source, statuses: [acsV1.TaskStatus.TASK_STATUS_PENDING], pageSize: 1000 })).then((r) => r.tasks);
      // One read per device, each waiting for the device's `2 PERIODIC`.
      const waiting = await eventually(pending, (tasks) => tasks.length === CPES - HALF, WAIT_MS, 100);
      expect(new Set(waiting.map((task) => task.deviceId)).size).toBe(CPES - HALF);
      expect(waiting.every((task) => task.awaitEventCode === '2 PERIODIC')).toBe(true);

      await rpc<acsV1.UpdateMonitoringProfileRequest, acsV1.UpdateMonitoringProfileResponse>(monitoring.updateMonitoringProfile, acsV1.UpdateMonitoringProfileRequest.fromPartial({ profileId: profile!.id, enabled: false }));
      await eventually(pending, (tasks) => tasks.length === 0, WAIT_MS, 100);
      const ended = await call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ source, pageSize: 1000 }));
      expect(ended.tasks.every((task) => task.status === acsV1.TaskStatus.TASK_STATUS_CANCELLED)).toBe(true);
    }, 600_000);

    it('takes its BulkData profile off the devices of a profile deleted', async () => {
      const { profiles } = await rpc<acsV1.ListMonitoringProfilesRequest, acsV1.ListMonitoringProfilesResponse>(monitoring.listMonitoringProfiles, acsV1.ListMonitoringProfilesRequest.fromPartial({}));
      const bulk = profiles.find((profile) => profile.source === 'bulkdata')!;
      await rpc<acsV1.DeleteMonitoringProfileRequest, acsV1.DeleteMonitoringProfileResponse>(monitoring.deleteMonitoringProfile, { profileId: bulk.id });
      const left = () => bulkFleet.cpes.filter((cpe) => cpe.model.value('Device.BulkData.Profile.1.Enable') !== undefined).length;
      // The DeleteObject goes with each device's next session.
      await eventually(
        async () => {
          if (left() > 0) await bulkFleet.runSessions(['2 PERIODIC']);
          return left();
        },
        (count) => count === 0,
        WAIT_MS,
        10,
      );
    }, 600_000);
  });
}
