import { acsV1 as pb, REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';
import { Metadata } from '@grpc/grpc-js';

import { DAY_MS, HOUR_MS } from '../domain/sample-series';
import { openMonitoringFixture, type MonitoringFixture } from '../testing/monitoring-fixture';
import type { MonitoringUseCases } from '../usecases/monitoring-usecases';
import { MonitoringSamplesGrpcController } from './monitoring-samples-grpc.controller';
import { updateProfileCommandFromProto } from './monitoring-samples.mappers';

const DAY = Date.UTC(2027, 2, 1);
const MIN5 = 300_000;
const { SampleResolution } = pb;

function asClient(name: string): Metadata {
  const metadata = new Metadata();
  metadata.set(REQUESTED_BY_METADATA_KEY, name);
  return metadata;
}

/** The fixture's use cases under the names the module's MonitoringUseCases gives them. */
function useCasesOf(f: MonitoringFixture): MonitoringUseCases {
  return {
    catalog: f.catalog,
    ingestSamples: f.ingest,
    listSamples: f.listSamples,
    rollUpSamples: f.rollUp,
    createMonitoringProfile: f.createProfile,
    getMonitoringProfile: f.getProfile,
    listMonitoringProfiles: f.listProfiles,
    updateMonitoringProfile: f.updateProfile,
    deleteMonitoringProfile: f.deleteProfile,
  };
}

const ponTemperature: pb.CustomMetric = { name: 'custom.ponTemperature', kind: 'gauge', bits: 0, unit: 'C', scale: 0.1, paths: { Device: 'Device.Optical.Interface.{optical}.X_Temp' } };

const createRequest: pb.CreateMonitoringProfileRequest = {
  name: 'fibre health',
  metrics: ['optical.rxPower', 'custom.ponTemperature'],
  customMetrics: [ponTemperature],
  target: { kind: { $case: 'filter', filter: 'productClass = "HG8245H"' } },
};

describe('MonitoringService profiles, metrics and samples: mapping', () => {
  let f: MonitoringFixture;
  let controller: MonitoringSamplesGrpcController;
  beforeEach(async () => {
    f = await openMonitoringFixture({ now: DAY });
    controller = new MonitoringSamplesGrpcController(useCasesOf(f));
  });
  afterEach(() => f.close());

  it('creates a profile from a request, its creator from the metadata, defaults for unset optionals', async () => {
    const { profile } = await controller.createMonitoringProfile(createRequest, asClient('alice'));
    expect(profile).toEqual({
      id: 'profile-1',
      name: 'fibre health',
      metrics: ['optical.rxPower', 'custom.ponTemperature'],
      customMetrics: [ponTemperature],
      target: { kind: { $case: 'filter', filter: 'productClass = "HG8245H"' } },
      intervalSeconds: 900,
      enabled: true,
      source: 'reads',
      createTime: new Date(DAY),
      createdBy: 'alice',
      updateTime: new Date(DAY),
      revision: 1,
    });
    const group = await controller.createMonitoringProfile(
      { name: 'wan', metrics: ['wan.bytesReceived'], customMetrics: [], target: { kind: { $case: 'groupId', groupId: 'g-1' } }, intervalSeconds: 300, enabled: false },
      new Metadata(),
    );
    expect(group.profile).toMatchObject({ target: { kind: { $case: 'groupId', groupId: 'g-1' } }, intervalSeconds: 300, enabled: false, createdBy: '' });
    expect((await controller.getMonitoringProfile({ profileId: 'profile-1' })).profile).toEqual(profile);
    expect((await controller.listMonitoringProfiles({ enabledOnly: false })).profiles.map((p) => p.name)).toEqual(['fibre health', 'wan']);
    expect((await controller.listMonitoringProfiles({ enabledOnly: true })).profiles.map((p) => p.name)).toEqual(['fibre health']);
  });

  it('keeps the collection source asked for through create and updates that leave it unset, and refuses another word', async () => {
    const { profile } = await controller.createMonitoringProfile({ ...createRequest, source: 'bulkdata' }, asClient('alice'));
    expect(profile?.source).toBe('bulkdata');
    const renamed = await controller.updateMonitoringProfile({ profileId: profile!.id, name: 'renamed', metrics: [] });
    expect(renamed.profile?.source).toBe('bulkdata');
    const read = await controller.updateMonitoringProfile({ profileId: profile!.id, metrics: [], source: 'reads' });
    expect(read.profile?.source).toBe('reads');
    const error = await controller.createMonitoringProfile({ ...createRequest, name: 'other', source: 'snmp' }, asClient('alice')).catch((caught: unknown) => caught);
    expect((error as ValidationError).fieldViolations.map((v) => v.field)).toEqual(['source']);
  });

  it('refuses a request without a target, an unknown metric, a counter of a wrong width, a short interval: every field at once', async () => {
    await expect(controller.createMonitoringProfile({ ...createRequest, target: undefined }, asClient('a'))).rejects.toBeInstanceOf(ValidationError);
    const error = (await controller
      .createMonitoringProfile(
        { ...createRequest, metrics: ['cpu.nope'], customMetrics: [{ ...ponTemperature, kind: 'counter', bits: 16 }], intervalSeconds: 10 },
        asClient('a'),
      )
      .catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldViolations.map((v) => v.field)).toEqual(['customMetrics[0].bits', 'metrics[0]', 'intervalSeconds']);
    await expect(controller.getMonitoringProfile({ profileId: '' })).rejects.toBeInstanceOf(ValidationError);
    await expect(controller.getMonitoringProfile({ profileId: 'nope' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('updates only the fields set, custom metrics replaced by a set list (even empty), with a revision compare-and-set', async () => {
    await controller.createMonitoringProfile(createRequest, asClient('alice'));
    // Unset fields keep the profile's; the revision compared is the one read when the request names none.
    expect(updateProfileCommandFromProto({ profileId: 'profile-1', metrics: [], intervalSeconds: 120 }, await f.getProfile.execute('profile-1'))).toMatchObject({
      id: 'profile-1',
      revision: 1,
      name: 'fibre health',
      metrics: ['optical.rxPower', 'custom.ponTemperature'],
      intervalSeconds: 120,
      enabled: true,
    });

    f.clock.advance(1_000);
    const renamed = await controller.updateMonitoringProfile({ profileId: 'profile-1', revision: 1, name: 'optical', metrics: [], intervalSeconds: 300 });
    expect(renamed.profile).toMatchObject({ name: 'optical', metrics: ['optical.rxPower', 'custom.ponTemperature'], customMetrics: [ponTemperature], intervalSeconds: 300, revision: 2, updateTime: new Date(DAY + 1_000), createTime: new Date(DAY) });

    const stale = await controller.updateMonitoringProfile({ profileId: 'profile-1', revision: 1, metrics: [], enabled: false }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ConflictError);

    const cleared = await controller.updateMonitoringProfile({ profileId: 'profile-1', metrics: ['optical.rxPower'], customMetrics: { metrics: [] }, target: { kind: { $case: 'groupId', groupId: 'g-2' } }, enabled: false });
    expect(cleared.profile).toMatchObject({ metrics: ['optical.rxPower'], customMetrics: [], target: { kind: { $case: 'groupId', groupId: 'g-2' } }, enabled: false, revision: 3 });
    await expect(controller.updateMonitoringProfile({ profileId: 'nope', metrics: [] })).rejects.toBeInstanceOf(NotFoundError);

    expect(await controller.deleteMonitoringProfile({ profileId: 'profile-1' })).toEqual({});
    await expect(controller.deleteMonitoringProfile({ profileId: 'profile-1' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists the catalog: built-in metrics with each model path, width and source, then the custom ones', async () => {
    const before = (await controller.listMetrics()).metrics;
    expect(before.find((m) => m.name === 'wan.bytesReceived')).toEqual({
      name: 'wan.bytesReceived',
      kind: 'counter',
      unit: 'bytes',
      scale: 1,
      paths: [
        { root: 'Device', path: 'Device.IP.Interface.{wan}.Stats.BytesReceived', bits: 64, source: 'tr-181-2-17-0-cwmp-full.xml:55110' },
        { root: 'InternetGatewayDevice', path: 'InternetGatewayDevice.WANDevice.{wanDevice}.WANCommonInterfaceConfig.TotalBytesReceived', bits: 32, source: 'tr-098-1-8-0-full.xml:8945' },
      ],
      description: '',
      custom: false,
    });
    expect(before.find((m) => m.name === 'optical.rxPower')).toMatchObject({ kind: 'gauge', unit: 'dBm', scale: 0.001, paths: [{ root: 'Device', bits: 0 }] });
    expect(before.some((m) => m.custom)).toBe(false);

    await controller.createMonitoringProfile(createRequest, asClient('alice'));
    const after = (await controller.listMetrics()).metrics;
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([
      { name: 'custom.ponTemperature', kind: 'gauge', unit: 'C', scale: 0.1, paths: [{ root: 'Device', path: 'Device.Optical.Interface.{optical}.X_Temp', bits: 0, source: '' }], description: '', custom: true },
    ]);
  });

  it("answers a raw counter series with rates as values, readings and resets, and rollups with min/avg/max/count", async () => {
    const at = (i: number) => DAY + HOUR_MS + i * MIN5;
    await f.ingest.execute({
      samples: [
        { deviceId: 'dev-1', at: at(0), source: 'read', values: { 'system.uptime': 100, 'wan.bytesReceived': 1_000 } },
        { deviceId: 'dev-1', at: at(1), source: 'read', values: { 'system.uptime': 400, 'wan.bytesReceived': 31_000 } },
        // Rebooted: uptime fell, the counter restarted.
        { deviceId: 'dev-1', at: at(2), source: 'read', values: { 'system.uptime': 50, 'wan.bytesReceived': 500 } },
        { deviceId: 'dev-1', at: at(3), source: 'read', values: { 'system.uptime': 350, 'wan.bytesReceived': 60_500 } },
      ],
    });
    f.clock.current = DAY + 12 * HOUR_MS;
    const raw = await controller.listSamples({ deviceId: 'dev-1', metric: 'wan.bytesReceived', resolution: SampleResolution.SAMPLE_RESOLUTION_UNSPECIFIED });
    const point = (i: number, rest: Partial<pb.SamplePoint>): pb.SamplePoint => ({ time: new Date(at(i)), reset: '', count: 0, min: 0, avg: 0, max: 0, ...rest });
    expect(raw).toEqual({
      deviceId: 'dev-1',
      metric: 'wan.bytesReceived',
      kind: 'counter',
      unit: 'bytes/s',
      resolution: SampleResolution.SAMPLE_RESOLUTION_RAW,
      since: new Date(DAY + 12 * HOUR_MS - DAY_MS),
      until: new Date(DAY + 12 * HOUR_MS),
      points: [point(0, { reading: 1_000 }), point(1, { value: 100, reading: 31_000 }), point(2, { reading: 500, reset: 'reboot' }), point(3, { value: 200, reading: 60_500 })],
      resets: 1,
    });
    const gauge = await controller.listSamples({ deviceId: 'dev-1', metric: 'system.uptime', since: new Date(at(1)), until: new Date(at(3)), resolution: SampleResolution.SAMPLE_RESOLUTION_RAW });
    expect(gauge).toMatchObject({ kind: 'gauge', unit: 'seconds', resets: 0, points: [{ value: 400 }, { value: 50 }] });
    expect(gauge.points[0].reading).toBeUndefined();

    f.clock.current = DAY + DAY_MS + 2 * HOUR_MS;
    await f.rollUp.execute();
    const hourly = await controller.listSamples({ deviceId: 'dev-1', metric: 'wan.bytesReceived', since: new Date(DAY), until: new Date(DAY + DAY_MS), resolution: SampleResolution.SAMPLE_RESOLUTION_HOUR });
    expect(hourly).toMatchObject({ unit: 'bytes/s', resolution: SampleResolution.SAMPLE_RESOLUTION_HOUR, resets: 0 });
    expect(hourly.points).toEqual([{ time: new Date(DAY + HOUR_MS), value: 150, reset: '', count: 2, min: 100, avg: 150, max: 200 }]);
    const daily = await controller.listSamples({ deviceId: 'dev-1', metric: 'system.uptime', since: new Date(DAY), until: new Date(DAY + DAY_MS), resolution: SampleResolution.SAMPLE_RESOLUTION_DAY });
    expect(daily.points).toEqual([{ time: new Date(DAY), value: 225, reset: '', count: 4, min: 50, avg: 225, max: 400 }]);
  });

  it('refuses a series query without a device, of an unknown metric or resolution, or with since after until', async () => {
    await expect(controller.listSamples({ deviceId: '', metric: 'system.uptime', resolution: 0 })).rejects.toMatchObject({ fieldViolations: [{ field: 'device_id' }] });
    await expect(controller.listSamples({ deviceId: 'd', metric: 'system.uptime', resolution: 99 as pb.SampleResolution })).rejects.toMatchObject({ fieldViolations: [{ field: 'resolution' }] });
    const error = (await controller.listSamples({ deviceId: 'd', metric: 'nope', since: new Date(DAY), until: new Date(DAY - 1), resolution: 0 }).catch((e: unknown) => e)) as ValidationError;
    expect(error.fieldViolations.map((v) => v.field)).toEqual(['metric', 'since']);
  });
});

