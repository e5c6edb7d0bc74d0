import { acsV1 } from '@acs/contracts';
import { CpeFleet, DataModel, simulatorImage } from '@acs/cpe-sim';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { call, collect, eventually, NbiChannel, type AcsV1Clients } from './nbi/support/nbi-client';
import { bootstrapToken } from './nbi/support/standalone-with-cpe';
import { metric, startApp, type RunningApp } from './support/processes';

const { TaskStatus } = acsV1;
const CPES = 200;

/** `npm start`'s process, 200 simulated CPEs over real HTTP, and tasks created through the public API. */
describe('standalone ACS with 200 simulated CPEs', () => {
  let app: RunningApp;
  let fleet: CpeFleet;
  let channel: NbiChannel;
  let api: AcsV1Clients;
  // Simulated CPEs download firmware for real: a plain file server with an image for the fleet's model.
  const image = simulatorImage({ version: '2.0.0', models: ['001122:SimGateway'], size: 1024 });
  let files: http.Server;
  let firmwareUrl: string;

  beforeAll(async () => {
    files = http.createServer((_request, response) => response.writeHead(200, { 'content-length': image.length }).end(image));
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    firmwareUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/firmware.bin`;
    app = await startApp('standalone', {
      // Only the operator's tasks: provisioning's own work for new devices (connection-request credentials) stays out.
      ACS_MANAGE_CR_CREDENTIALS: 'false',
      // A thousand CreateTask calls at once, as a bulk job would make: not what the per-client rate limit is about.
      ACS_NBI_RATE_LIMIT_PER_SECOND: '100000',
      ACS_NBI_RATE_LIMIT_BURST: '100000',
    });
    channel = new NbiChannel(app.nbiAddress);
    api = channel.clients(await bootstrapToken(app));
    fleet = new CpeFleet({ count: CPES, acsUrl: app.cwmpUrl, model: DataModel.builtin('tr181'), serialPrefix: 'E2E' });
  }, 30_000);

  afterAll(async () => {
    await fleet?.stop();
    files?.close();
    channel?.close();
    const code = await app?.stop();
    expect(code).toBe(0);
  });

  /**
   * The public events of `types` from `since` on, until `enough` says so. Opened with `since` before the work it
   * watches: the server replays what it already holds, so no event is lost to the time the watch takes to open.
   */
  function watchEvents(types: string[], since: Date, enough: (events: acsV1.Event[]) => boolean): Promise<acsV1.Event[]> {
    const stream = api.events.watchEvents(acsV1.WatchEventsRequest.fromPartial({ types, since }), { deadline: Date.now() + 110_000 });
    return collect(stream, (_message, all) => enough(all.map((m) => m.event!)), 100_000).then((all) => all.map((m) => m.event!));
  }

  const subjects = (events: acsV1.Event[]): Set<string> => new Set(events.map((e) => e.subject));
  const deviceIds = (): Set<string> => new Set(fleet.cpes.map((c) => c.deviceId));

  it('every device informs and its session completes', async () => {
    const registered = watchEvents(['acs.device.registered'], new Date(), (events) => subjects(events).size >= CPES);
    const reports = await fleet.runSessions(['0 BOOTSTRAP', '1 BOOT'], 50);
    expect(reports).toHaveLength(CPES);
    expect(reports.filter((r) => r.error)).toEqual([]);
    const informs = await registered;
    expect(subjects(informs).size).toBe(CPES);
    expect(subjects(informs)).toEqual(deviceIds());
    const listed = await call(api.devices.listDevices.bind(api.devices), acsV1.ListDevicesRequest.fromPartial({ pageSize: 1000 }));
    expect(new Set(listed.devices.map((d) => d.id))).toEqual(deviceIds());
    // A session is counted when it ends, before its last answer goes out: every one ended normally, none failed.
    expect(await metric(app.mgmtUrl, 'acs_cwmp_sessions_completed_total', { reason: 'completed' })).toBe(CPES);
    expect(await metric(app.mgmtUrl, 'acs_cwmp_sessions_completed_total')).toBe(CPES);
    expect(await metric(app.mgmtUrl, 'acs_cwmp_sessions_failed_total')).toBe(0);
    expect(await metric(app.mgmtUrl, 'acs_cwmp_sessions_started_total')).toBe(CPES);
  }, 60_000);

  it('runs GetParameterValues, SetParameterValues, AddObject, Reboot and Download tasks and reports every result', async () => {
    const root = fleet.cpes[0].model.root;
    const work: Array<{ rpc: string; kind: acsV1.TaskSpec['kind'] }> = [
      { rpc: 'GetParameterValues', kind: { $case: 'getParameterValues', getParameterValues: { parameterNames: [`${root}.DeviceInfo.`] } } },
      {
        rpc: 'SetParameterValues',
        kind: {
          $case: 'setParameterValues',
          setParameterValues: { values: [{ path: `${root}.ManagementServer.PeriodicInformInterval`, value: '600', type: 'xsd:unsignedInt' }] },
        },
      },
      {
        rpc: 'AddObject',
        kind: {
          $case: 'addObject',
          addObject: { path: root === 'Device' ? 'Device.IP.Interface' : 'InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection', values: [] },
        },
      },
      { rpc: 'Reboot', kind: { $case: 'reboot', reboot: {} } },
      {
        rpc: 'Download',
        kind: {
          $case: 'download',
          download: {
            fileType: '1 Firmware Upgrade Image',
            url: firmwareUrl,
            username: '',
            password: '',
            fileSize: image.length,
            targetFileName: '',
            delaySeconds: 0,
          },
        },
      },
    ];
    const kinds = work.map((w) => w.kind!.$case);

    // Created one after the other per device (their RPCs queue in that order), the devices all at once.
    const tasks = new Map<string, acsV1.Task[]>();
    await Promise.all(
      fleet.cpes.map(async (cpe) => {
        const created: acsV1.Task[] = [];
        for (const { kind } of work) {
          const { task } = await call(api.tasks.createTask.bind(api.tasks), acsV1.CreateTaskRequest.fromPartial({ deviceId: cpe.deviceId, spec: { kind } }), 30_000);
          created.push(task!);
        }
        tasks.set(cpe.deviceId, created);
      }),
    );
    for (const created of tasks.values()) expect(created.map((t) => t.status)).toEqual(work.map(() => TaskStatus.TASK_STATUS_DISPATCHED));

    // The Download is done only when the device reports the transfer, after its reboot: four of five now.
    const since = new Date();
    const doneNow = watchEvents(['acs.task.done'], since, (events) => events.length >= CPES * (work.length - 1));
    const reports = await fleet.runSessions(['6 CONNECTION REQUEST'], 50);
    expect(reports.filter((r) => r.error)).toEqual([]);
    for (const report of reports) expect(report.rpcs.map((r) => r.method)).toEqual(work.map((w) => w.rpc));

    const done = await doneNow;
    expect(done).toHaveLength(CPES * (work.length - 1));
    const byDevice = new Map<string, string[]>();
    for (const e of done) byDevice.set(e.subject, [...(byDevice.get(e.subject) ?? []), String(e.data?.kind)]);
    for (const cpe of fleet.cpes) expect(byDevice.get(cpe.deviceId)).toEqual(kinds.slice(0, -1));
    const spv = done.find((e) => e.data?.kind === 'setParameterValues')!;
    expect(spv.data).toMatchObject({ status: 'done', result: { status: 0 } });
    // Nothing is left queued: every task's RPCs were answered (the Download's too, whose transfer goes on).
    for (const cpe of fleet.cpes) {
      const listed = await eventually(
        () => call(api.tasks.listTasks.bind(api.tasks), acsV1.ListTasksRequest.fromPartial({ deviceId: cpe.deviceId })),
        (response) => response.tasks.every((t) => t.workItemIds.length === 0),
        30_000,
      );
      const download = listed.tasks.find((t) => t.spec?.kind?.$case === 'download')!;
      expect(download.status).toBe(TaskStatus.TASK_STATUS_DISPATCHED);
      expect(listed.tasks.filter((t) => t.status === TaskStatus.TASK_STATUS_DONE)).toHaveLength(work.length - 1);
    }

    // After the reboot and the download, each device comes back with BOOT, M Reboot, TRANSFER COMPLETE, M Download
    // and reports the transfer with TransferComplete, which ends its Download task.
    const again = new Date();
    const booted = watchEvents(['acs.device.booted'], again, (events) => subjects(events).size >= CPES);
    const downloads = watchEvents(['acs.task.done'], again, (events) => events.filter((e) => e.data?.kind === 'download').length >= CPES);
    const after = await fleet.runSessions(undefined, 50);
    expect(after.filter((r) => r.error)).toEqual([]);
    // Each downloaded and installed the image: its BOOT Inform reported the new version.
    expect(new Set(fleet.cpes.map((cpe) => cpe.softwareVersion))).toEqual(new Set(['2.0.0']));
    const informs = await booted;
    expect(subjects(informs)).toEqual(deviceIds());
    for (const inform of informs) {
      expect(inform.data?.eventCodes).toEqual(expect.arrayContaining(['1 BOOT', 'M Reboot', '7 TRANSFER COMPLETE', 'M Download']));
    }
    const transfers = (await downloads).filter((e) => e.data?.kind === 'download');
    expect(transfers).toHaveLength(CPES);
    expect(subjects(transfers)).toEqual(deviceIds());
    const downloadTaskIds = new Set([...tasks.values()].map((created) => created.at(-1)!.id));
    expect(new Set(transfers.map((e) => String(e.data?.taskId)))).toEqual(downloadTaskIds);
    expect(await metric(app.mgmtUrl, 'acs_cwmp_cpe_requests_total', { method: 'TransferComplete' })).toBe(CPES);
  }, 180_000);
});
