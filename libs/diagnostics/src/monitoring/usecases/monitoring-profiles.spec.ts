import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';

import { openMonitoringFixture, type MonitoringFixture } from '../testing/monitoring-fixture';

const NOW = Date.UTC(2026, 11, 8, 9, 0, 0);
const PON = { name: 'custom.ponTemperature', kind: 'gauge' as const, unit: 'Cel', paths: { Device: 'Device.X_VENDOR_PON.{pon}.Temperature' } };

describe('monitoring profile use cases', () => {
  let f: MonitoringFixture;
  beforeEach(async () => {
    f = await openMonitoringFixture({ now: NOW });
  });
  afterEach(() => f.close());

  it('creates a profile with the default interval, enabled, and reads it back', async () => {
    const created = await f.createProfile.execute({ name: 'WAN', metrics: ['wan.bytesReceived', 'wan.bytesSent'], target: { groupId: 'g-1' }, createdBy: 'api:ops' });
    expect(created).toEqual({
      id: 'profile-1',
      name: 'WAN',
      metrics: ['wan.bytesReceived', 'wan.bytesSent'],
      customMetrics: [],
      target: { groupId: 'g-1' },
      intervalSeconds: 900,
      source: 'reads',
      enabled: true,
      createdAt: NOW,
      createdBy: 'api:ops',
      updatedAt: NOW,
      revision: 1,
    });
    expect(await f.getProfile.execute('profile-1')).toEqual(created);
    await expect(f.getProfile.execute('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a bad profile with its field violations, and stores nothing', async () => {
    const error = await f.createProfile.execute({ name: '', metrics: ['x'], target: { filter: '(' }, intervalSeconds: 30 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldViolations.map((v) => v.field)).toEqual(['name', 'metrics[0]', 'target.filter', 'intervalSeconds']);
    expect(await f.listProfiles.execute()).toEqual([]);
  });

  it('updates at the revision read, refusing a stale one', async () => {
    await f.createProfile.execute({ name: 'WAN', metrics: ['wan.bytesReceived'], target: { filter: 'productClass = "X"' } });
    f.clock.advance(1_000);
    const updated = await f.updateProfile.execute({ id: 'profile-1', revision: 1, name: 'WAN 60s', metrics: ['wan.bytesReceived'], target: { filter: 'productClass = "X"' }, intervalSeconds: 60, enabled: false });
    expect(updated).toMatchObject({ name: 'WAN 60s', intervalSeconds: 60, source: 'reads', enabled: false, revision: 2, createdAt: NOW, updatedAt: NOW + 1_000 });
    await expect(f.updateProfile.execute({ id: 'profile-1', revision: 1, name: 'late', metrics: ['wan.bytesReceived'], target: { groupId: 'g' } })).rejects.toBeInstanceOf(ConflictError);
    await expect(f.updateProfile.execute({ id: 'nope', name: 'x', metrics: ['wan.bytesReceived'], target: { groupId: 'g' } })).rejects.toBeInstanceOf(NotFoundError);
    expect((await f.listProfiles.execute({ enabledOnly: true })).map((p) => p.id)).toEqual([]);
    expect((await f.listProfiles.execute()).map((p) => p.name)).toEqual(['WAN 60s']);
  });

  it('keeps the collection source asked for, BulkData or reads', async () => {
    const created = await f.createProfile.execute({ name: 'Optical', metrics: ['optical.rxPower'], target: { filter: 'productClass = "ONT"' }, source: 'bulkdata' });
    expect(created.source).toBe('bulkdata');
    const updated = await f.updateProfile.execute({ id: created.id, name: 'Optical', metrics: ['optical.rxPower'], target: { filter: 'productClass = "ONT"' } });
    expect(updated.source).toBe('reads');
    const error = await f.createProfile.execute({ name: 'X', metrics: ['optical.rxPower'], target: { filter: 'productClass = "ONT"' }, source: 'snmp' as never }).catch((caught: unknown) => caught);
    expect((error as ValidationError).fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['source:BAD_FORMAT']);
  });

  it('keeps a custom metric name meaning one parameter across profiles', async () => {
    await f.createProfile.execute({ name: 'A', metrics: [PON.name], customMetrics: [PON], target: { groupId: 'g' } });
    await f.createProfile.execute({ name: 'B', metrics: [PON.name], customMetrics: [{ ...PON }], target: { groupId: 'h' } });
    const error = await f.createProfile
      .execute({ name: 'C', metrics: [PON.name], customMetrics: [{ ...PON, paths: { Device: 'Device.X_OTHER.Temp' } }], target: { groupId: 'g' } })
      .catch((caught: unknown) => caught);
    expect((error as ValidationError).fieldViolations).toEqual([{ field: 'customMetrics[0].name', description: 'custom.ponTemperature is defined differently by profile A', reason: 'ALREADY_EXISTS' }]);
  });

  it('deletes a profile, and its custom metrics leave the catalog', async () => {
    await f.createProfile.execute({ name: 'A', metrics: [PON.name], customMetrics: [PON], target: { groupId: 'g' } });
    expect((await f.catalog.current()).get(PON.name)).toBeDefined();
    await f.deleteProfile.execute('profile-1');
    await expect(f.deleteProfile.execute('profile-1')).rejects.toBeInstanceOf(NotFoundError);
    expect((await f.catalog.current()).get(PON.name)).toBeUndefined();
  });
});
