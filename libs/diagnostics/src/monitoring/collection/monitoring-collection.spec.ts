import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { InformEventData } from '@acs/contracts';
import { InProcessEventBus } from '@acs/platform';
import pino from 'pino';

import { openSqliteCollectionEntriesFile } from '../repositories/collection-stores';
import { openMonitoringFixture, type MonitoringFixture } from '../testing/monitoring-fixture';
import { entryKey, type CollectionEntryRepository } from './collection-entry';
import { MonitoringCollection } from './monitoring-collection';
import { SampleBatcher } from './sample-batcher';
import { InMemoryCollectionTasks, InMemoryTargetMembers } from './testing/in-memory-collection-ports';

const silentLogger = pino({ level: 'silent' });
const NOW = Date.UTC(2026, 11, 8, 9, 0, 0);
const WAN_RX = 'Device.IP.Interface.1.Stats.BytesReceived';
const WAN_TX = 'Device.IP.Interface.1.Stats.BytesSent';
const UPTIME = 'Device.DeviceInfo.UpTime';
const OPTICAL = 'Device.Optical.Interface.1.OpticalSignalLevel';

describe('monitoring collection', () => {
  let f: MonitoringFixture;
  let dir: string;
  let entries: CollectionEntryRepository;
  let closeEntries: () => void;
  let tasks: InMemoryCollectionTasks;
  let members: InMemoryTargetMembers;
  let collection: MonitoringCollection;

  const build = (options: { bulkData?: boolean; devicesPerRound?: number } = {}) =>
    new MonitoringCollection({
      bus: new InProcessEventBus(),
      entries,
      profiles: f.store.profiles,
      catalog: f.catalog,
      deviceStates: f.store.devices,
      ingest: f.ingest,
      members,
      tasks,
      ...(options.bulkData === false ? {} : { bulkDataUrls: { issueBulkDataUrl: (deviceId: string) => `http://acs.test/bulkdata?d=${deviceId}&t=sig` } }),
      logger: silentLogger,
      now: f.clock.now,
      settings: { devicesPerRound: options.devicesPerRound ?? 100, minWalkMs: 60_000, profilesCacheMs: 0 },
    });

  beforeEach(async () => {
    f = await openMonitoringFixture({ now: NOW });
    dir = await mkdtemp(join(tmpdir(), 'acs-collection-'));
    ({ entries, close: closeEntries } = openSqliteCollectionEntriesFile(join(dir, 'entries.sqlite')));
    tasks = new InMemoryCollectionTasks();
    members = new InMemoryTargetMembers();
    members.devices.push(
      { deviceId: 'ont-1', root: 'Device', productClass: 'ONT' },
      { deviceId: 'ont-2', root: 'Device', productClass: 'ONT' },
      { deviceId: 'igd-1', root: 'InternetGatewayDevice', productClass: 'ONT' },
      { deviceId: 'new-1', productClass: 'ONT' },
      { deviceId: 'other-1', root: 'Device', productClass: 'HGW' },
    );
    collection = build();
  });

  afterEach(async () => {
    closeEntries();
    await f.close();
    await rm(dir, { recursive: true, force: true });
  });

  const readsProfile = () => f.createProfile.execute({ name: 'WAN', metrics: ['wan.bytesReceived', 'optical.rxPower'], target: { filter: 'productClass = "ONT"' }, intervalSeconds: 300 });

  it('arms one read per targeted device waiting for its periodic Inform, with the paths of its data model', async () => {
    const profile = await readsProfile();
    const summary = await collection.round.execute();
    expect(summary).toMatchObject({ visited: 3, added: 3, armed: 3 });
    const reads = tasks.pending({ kind: 'getParameterValues' });
    expect(reads.map((t) => t.deviceId).sort()).toEqual(['igd-1', 'ont-1', 'ont-2']);
    expect(reads.find((t) => t.deviceId === 'ont-1')?.paths).toEqual([WAN_RX, OPTICAL, UPTIME]);
    // TR-098 has no optical interface: its WAN counter and uptime only.
    expect(reads.find((t) => t.deviceId === 'igd-1')?.paths).toEqual(['InternetGatewayDevice.WANDevice.1.WANCommonInterfaceConfig.TotalBytesReceived', 'InternetGatewayDevice.DeviceInfo.UpTime']);
    expect(reads.every((t) => t.profileId === profile.id)).toBe(true);

    // Another round (another pod's) arms nothing more: one pending read per (profile, device).
    f.clock.advance(1_000);
    expect(await collection.round.execute()).toMatchObject({ added: 0, armed: 0 });
    expect(tasks.pending({ kind: 'getParameterValues' })).toHaveLength(3);
  });

  it('ingests a done read as samples of source read at its completion time and arms the next when it is due', async () => {
    await readsProfile();
    await collection.round.execute();
    const first = tasks.pending({ deviceId: 'ont-1', kind: 'getParameterValues' })[0];
    const at1 = NOW + 10_000;
    f.clock.current = at1;
    const values1 = [{ path: WAN_RX, value: '1000000' }, { path: OPTICAL, value: '-18000' }, { path: UPTIME, value: '100' }];
    await collection.outcomes.onTask(tasks.end(first.taskId, 'done', { values: values1 }), at1);

    // Due a tenth early (270 s after the read): not yet, so no read waits now.
    expect(tasks.pending({ deviceId: 'ont-1', kind: 'getParameterValues' })).toHaveLength(0);
    const entry = (await entries.getMany([entryKey(first.profileId, 'ont-1')])).get(entryKey(first.profileId, 'ont-1'));
    expect(entry).toMatchObject({ dueAt: at1 + 270_000, lastReadAt: at1 });
    expect(entry?.readTaskId).toBeUndefined();
    expect(await collection.round.execute()).toMatchObject({ armed: 0 });

    f.clock.current = at1 + 270_000;
    expect(await collection.round.execute()).toMatchObject({ armed: 1 });
    const second = tasks.pending({ deviceId: 'ont-1', kind: 'getParameterValues' })[0];
    // The device informs every 10 minutes: its next read is due before its next Inform, and waits for it.
    const at2 = at1 + 600_000;
    f.clock.current = at2 + 1_000;
    // A result too large for its event is read from provisioning.
    tasks.results.set(second.taskId, { [WAN_RX]: '4000000', [OPTICAL]: '-19500', [UPTIME]: '400' });
    await collection.outcomes.onTask({ ...tasks.end(second.taskId, 'done'), resultSummary: { entryKind: 'parameter_values', entryCount: 3, sizeBytes: 70_000, inline: false, parametersRead: 3, parametersSet: 0, parametersFailed: 0 } }, at2);
    f.clock.current = at2 + 270_000;
    expect(await collection.round.execute()).toMatchObject({ armed: 1 });
    expect(tasks.pending({ deviceId: 'ont-1', kind: 'getParameterValues' })).toHaveLength(1);

    const rx = await f.listSamples.execute({ deviceId: 'ont-1', metric: 'wan.bytesReceived', since: NOW, until: at2 + 1, resolution: 'raw' });
    expect(rx.points.map((p) => [p.at, p.value, p.rate])).toEqual([
      [at1, 1_000_000, null],
      [at2, 4_000_000, 5_000],
    ]);
    const optical = await f.listSamples.execute({ deviceId: 'ont-1', metric: 'optical.rxPower', since: NOW, until: at2 + 1, resolution: 'raw' });
    expect(optical.points.map((p) => [p.at, p.value])).toEqual([
      [at1, -18],
      [at2, -19.5],
    ]);
    // The threshold rules were handed the points (the rate, the gauges).
    expect(f.listener.points.filter((p) => p.deviceId === 'ont-1' && p.metric === 'wan.bytesReceived').map((p) => p.value)).toEqual([5_000]);
    // A redelivered completion finds the entry moved on: nothing stored twice, no read armed twice.
    await collection.outcomes.onTask(tasks.end(second.taskId, 'done', { values: [] }), at2);
    expect(tasks.pending({ deviceId: 'ont-1', kind: 'getParameterValues' })).toHaveLength(1);
  });

  it('reads again after a fault with a back-off, and at once after an expiry', async () => {
    await readsProfile();
    await collection.round.execute();
    const read = tasks.pending({ deviceId: 'ont-2', kind: 'getParameterValues' })[0];
    await collection.outcomes.onTask(tasks.end(read.taskId, 'faulted', undefined, { code: '9005', message: 'Invalid parameter name', transient: false }), NOW);
    expect((await entries.getMany([entryKey(read.profileId, 'ont-2')])).get(entryKey(read.profileId, 'ont-2'))).toMatchObject({ faults: 1, dueAt: NOW + 300_000 });
    f.clock.current = NOW + 300_000;
    await collection.round.execute();
    const again = tasks.pending({ deviceId: 'ont-2', kind: 'getParameterValues' })[0];
    await collection.outcomes.onTask(tasks.end(again.taskId, 'expired'), NOW + 300_000);
    await collection.round.execute();
    expect(tasks.pending({ deviceId: 'ont-2', kind: 'getParameterValues' })).toHaveLength(1);
  });

  it('cancels the pending reads of devices that left the target, of a disabled profile and of a deleted one', async () => {
    const profile = await readsProfile();
    await collection.round.execute();
    members.devices.find((d) => d.deviceId === 'ont-2')!.productClass = 'HGW';
    // The walk of the next minute finds it gone, and its read is cancelled.
    f.clock.advance(60_000);
    expect(await collection.round.execute()).toMatchObject({ removed: 1 });
    expect(tasks.tasks.filter((t) => t.deviceId === 'ont-2').map((t) => t.status)).toEqual(['cancelled']);
    expect(tasks.pending({ kind: 'getParameterValues' }).map((t) => t.deviceId).sort()).toEqual(['igd-1', 'ont-1']);

    await f.updateProfile.execute({ id: profile.id, name: 'WAN', metrics: ['wan.bytesReceived'], target: { filter: 'productClass = "ONT"' }, enabled: false });
    expect(await collection.round.execute()).toMatchObject({ removed: 2 });
    expect(tasks.pending()).toEqual([]);

    await f.updateProfile.execute({ id: profile.id, name: 'WAN', metrics: ['wan.bytesReceived'], target: { filter: 'productClass = "ONT"' }, enabled: true });
    expect(await collection.round.execute()).toMatchObject({ added: 2, armed: 2 });
    await f.deleteProfile.execute(profile.id);
    expect(await collection.round.execute()).toMatchObject({ removed: 2 });
    expect(tasks.pending()).toEqual([]);
  });

  it('walks a large target a bounded page per round', async () => {
    for (let i = 0; i < 25; i++) members.devices.push({ deviceId: `bulk-${String(i).padStart(2, '0')}`, root: 'Device', productClass: 'BIG' });
    collection = build({ devicesPerRound: 10 });
    await f.createProfile.execute({ name: 'Big', metrics: ['wan.bytesSent'], target: { filter: 'productClass = "BIG"' } });
    const added = [];
    for (let round = 0; round < 3; round++) added.push((await collection.round.execute()).added);
    expect(added).toEqual([10, 10, 5]);
    expect(tasks.pending({ kind: 'getParameterValues' })).toHaveLength(25);
    expect(tasks.pending({ kind: 'getParameterValues' })[0].paths).toEqual([WAN_TX, UPTIME]);
  });

  it('sets up a BulkData profile on TR-181 devices and reads TR-098 ones', async () => {
    const profile = await f.createProfile.execute({ name: 'Optical', metrics: ['wan.bytesReceived', 'optical.rxPower'], target: { filter: 'productClass = "ONT"' }, intervalSeconds: 300, source: 'bulkdata' });
    expect(await collection.round.execute()).toMatchObject({ added: 3, bulkDataStarted: 2, armed: 1 });
    expect(tasks.pending({ kind: 'getParameterValues' }).map((t) => t.deviceId)).toEqual(['igd-1']);
    const add = tasks.pending({ deviceId: 'ont-1', kind: 'addObject' });
    expect(add).toEqual([expect.objectContaining({ object: 'Device.BulkData.Profile.', values: [] })]);

    await collection.outcomes.onTask(tasks.end(add[0].taskId, 'done', { instance: 'Device.BulkData.Profile.2' }), NOW);
    const parameters = tasks.pending({ deviceId: 'ont-1', kind: 'addObject' });
    expect(parameters.map((t) => [t.object, t.values])).toEqual(
      [WAN_RX, OPTICAL, UPTIME].map((path) => ['Device.BulkData.Profile.2.Parameter.', [{ name: 'Reference', value: path, type: 'xsd:string' }]]),
    );
    // The settings (Enable) wait for every Parameter: an AddObject with values is two RPCs, the second queued behind
    // whatever was queued meanwhile, so a profile enabled earlier could report before its References are set.
    for (const parameter of parameters) {
      expect(tasks.pending({ deviceId: 'ont-1', kind: 'setParameterValues' })).toEqual([]);
      await collection.outcomes.onTask(tasks.end(parameter.taskId, 'done', { status: 0 }), NOW);
    }
    const [set] = tasks.pending({ deviceId: 'ont-1', kind: 'setParameterValues' });
    expect(Object.fromEntries(set.values!.map((v) => [(v as { path: string }).path, v.value]))).toEqual({
      'Device.BulkData.Profile.2.Protocol': 'HTTP',
      'Device.BulkData.Profile.2.EncodingType': 'JSON',
      'Device.BulkData.Profile.2.ReportingInterval': '300',
      'Device.BulkData.Profile.2.JSONEncoding.ReportFormat': 'NameValuePair',
      'Device.BulkData.Profile.2.JSONEncoding.ReportTimestamp': 'Unix-Epoch',
      'Device.BulkData.Profile.2.HTTP.URL': 'http://acs.test/bulkdata?d=ont-1&t=sig',
      'Device.BulkData.Profile.2.HTTP.Method': 'POST',
      'Device.BulkData.Profile.2.Enable': 'true',
      'Device.BulkData.Enable': 'true',
    });
    await collection.outcomes.onTask(tasks.end(set.taskId, 'done', { status: 0 }), NOW);
    const key = entryKey(profile.id, 'ont-1');
    expect((await entries.getMany([key])).get(key)).toMatchObject({ mode: 'bulkdata', bulkData: { phase: 'configured', instance: 'Device.BulkData.Profile.2' } });

    // Set up once: later walks leave it be.
    f.clock.advance(60_000);
    expect(await collection.round.execute()).toMatchObject({ bulkDataStarted: 0, armed: 0 });

    // A changed interval sets it up again: the old instance deleted, a new one added.
    await f.updateProfile.execute({ id: profile.id, name: 'Optical', metrics: ['wan.bytesReceived', 'optical.rxPower'], target: { filter: 'productClass = "ONT"' }, intervalSeconds: 600, source: 'bulkdata' });
    f.clock.advance(60_000);
    await collection.round.execute();
    expect(tasks.pending({ deviceId: 'ont-1', kind: 'deleteObject' }).map((t) => t.instance)).toEqual(['Device.BulkData.Profile.2']);
    expect(tasks.pending({ deviceId: 'ont-1', kind: 'addObject' }).map((t) => t.object)).toEqual(['Device.BulkData.Profile.']);
  });

  it('reads a device that refused the BulkData profile, and does not ask it again for the same set-up', async () => {
    const profile = await f.createProfile.execute({ name: 'Optical', metrics: ['optical.rxPower'], target: { filter: 'productClass = "ONT"' }, source: 'bulkdata' });
    await collection.round.execute();
    const add = tasks.pending({ deviceId: 'ont-2', kind: 'addObject' })[0];
    await collection.outcomes.onTask(tasks.end(add.taskId, 'faulted', undefined, { code: '9005', message: 'Invalid parameter name', transient: false }), NOW);
    expect((await entries.getMany([entryKey(profile.id, 'ont-2')])).get(entryKey(profile.id, 'ont-2'))).toMatchObject({ mode: 'reads', bulkData: { phase: 'refused' } });
    f.clock.advance(60_000);
    await collection.round.execute();
    expect(tasks.pending({ deviceId: 'ont-2' }).map((t) => t.kind)).toEqual(['getParameterValues']);
  });

  it('reads bulkdata profiles when the service has no BulkData collector', async () => {
    collection = build({ bulkData: false });
    await f.createProfile.execute({ name: 'Optical', metrics: ['optical.rxPower'], target: { filter: 'productClass = "ONT"' }, source: 'bulkdata' });
    expect(await collection.round.execute()).toMatchObject({ bulkDataStarted: 0, armed: 2 });
  });

  it("ingests an Inform's values of a targeted device's profile metrics, and nothing of others", async () => {
    await readsProfile();
    await collection.round.execute();
    const inform = (deviceId: string, parameters: Array<[string, string]>): InformEventData => ({
      sessionId: 's-1',
      deviceId,
      remoteAddress: '192.0.2.1',
      cwmpVersion: '1.2' as InformEventData['cwmpVersion'],
      inform: {
        kind: 'Inform',
        deviceId: { manufacturer: 'X', oui: '00E0FC', productClass: 'ONT', serialNumber: deviceId },
        events: [{ eventCode: '2 PERIODIC', commandKey: '' }],
        maxEnvelopes: 1,
        currentTime: new Date(NOW + 5_000).toISOString(),
        retryCount: 0,
        parameterList: parameters.map(([name, value]) => ({ name, value: { type: 'xsd:int' as never, value } })),
      },
    });
    await collection.informs.onInform(inform('ont-1', [[OPTICAL, '-21000'], ['Device.DeviceInfo.SoftwareVersion', '1.0'], [WAN_TX, '5']]), NOW + 6_000);
    await collection.informs.onInform(inform('other-1', [[OPTICAL, '-21000']]), NOW + 6_000);
    const optical = await f.listSamples.execute({ deviceId: 'ont-1', metric: 'optical.rxPower', since: NOW, until: NOW + 10_000, resolution: 'raw' });
    expect(optical.points.map((p) => [p.at, p.value])).toEqual([[NOW + 5_000, -21]]);
    // wan.bytesSent is no metric of the profile: not taken from the Inform.
    expect((await f.listSamples.execute({ deviceId: 'ont-1', metric: 'wan.bytesSent', since: NOW, until: NOW + 10_000, resolution: 'raw' })).points).toEqual([]);
    expect((await f.listSamples.execute({ deviceId: 'other-1', metric: 'optical.rxPower', since: NOW, until: NOW + 10_000, resolution: 'raw' })).points).toEqual([]);
  });

  it('follows its tasks and Informs on the bus once started', async () => {
    const bus = new InProcessEventBus();
    collection = new MonitoringCollection({
      bus,
      entries,
      profiles: f.store.profiles,
      catalog: f.catalog,
      deviceStates: f.store.devices,
      ingest: f.ingest,
      members,
      tasks,
      logger: silentLogger,
      now: f.clock.now,
      roundMs: 3_600_000,
      settings: { profilesCacheMs: 0 },
    });
    await readsProfile();
    await collection.start();
    try {
      await collection.round.execute();
      const read = tasks.pending({ deviceId: 'ont-1', kind: 'getParameterValues' })[0];
      const done = tasks.end(read.taskId, 'done', { values: [{ path: OPTICAL, value: '-17000' }] });
      const stored = new Promise<void>((resolve) => {
        const original = f.listener.onPoints.bind(f.listener);
        f.listener.onPoints = async (points) => {
          await original(points);
          resolve();
        };
      });
      await bus.publish([{ id: 'e-1', topic: 'acs.task', key: 'ont-1', type: 'acs.task.done', time: new Date(NOW + 1_000).toISOString(), data: done }]);
      await stored;
      const series = await f.listSamples.execute({ deviceId: 'ont-1', metric: 'optical.rxPower', since: NOW, until: NOW + 10_000, resolution: 'raw' });
      expect(series.points.map((p) => [p.at, p.value])).toEqual([[NOW + 1_000, -17]]);
      expect(collection.stats()).toMatchObject({ calls: 1, samples: 1 });
    } finally {
      await collection.stop();
    }
  });
});

describe('sample batcher', () => {
  it('hands samples arriving during a call to the next one, together', async () => {
    const calls: number[] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const batcher = new SampleBatcher({
      execute: async (command) => {
        calls.push(command.samples.length);
        if (calls.length === 1) await first;
        return { devices: 0, stored: command.samples.length, points: 0, resets: 0, skipped: { unknownMetric: 0, notANumber: 0, noValue: 0, duplicate: 0, outOfOrder: 0 }, bySource: {} };
      },
    });
    const sample = (deviceId: string) => ({ deviceId, at: NOW, source: 'read' as const, values: { x: 1 } });
    const a = batcher.add([sample('a')]);
    const rest = ['b', 'c', 'd'].map((id) => batcher.add([sample(id)]));
    release();
    await Promise.all([a, ...rest]);
    expect(calls).toEqual([1, 3]);
    expect(batcher.stats()).toEqual({ calls: 2, samples: 4, stored: 4 });
  });

  it('rejects every caller of a failed call, and goes on with the next', async () => {
    let fail = true;
    const batcher = new SampleBatcher({
      execute: async (command) => {
        if (fail) throw new Error('store down');
        return { devices: 0, stored: command.samples.length, points: 0, resets: 0, skipped: { unknownMetric: 0, notANumber: 0, noValue: 0, duplicate: 0, outOfOrder: 0 }, bySource: {} };
      },
    });
    await expect(batcher.add([{ deviceId: 'a', at: NOW, source: 'inform', values: {} }])).rejects.toThrow('store down');
    fail = false;
    await expect(batcher.add([{ deviceId: 'a', at: NOW, source: 'inform', values: {} }])).resolves.toBeUndefined();
  });
});
