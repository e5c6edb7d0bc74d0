import { ConflictError } from '@acs/platform';

import type { MonitoringProfile } from '../domain/monitoring-profile';
import { DAY_MS, HOUR_MS } from '../domain/sample-series';
import type { MonitoringStore } from '../repositories/ports';

export interface MonitoringStoreUnderTest {
  store: MonitoringStore;
  /**
   * Whether the server applies concurrent writes to one document one after the other (SQLite, MongoDB). FerretDB
   * 1.24 does not (ADR 6): the race checks are reported NOT CHECKED there.
   */
  isolatesConcurrentWrites: boolean;
  cleanup(): Promise<void>;
}

const DAY = Date.UTC(2026, 11, 7);

function profile(id: string, name: string, revision = 1): MonitoringProfile {
  return {
    id,
    name,
    metrics: ['wan.bytesReceived', 'custom.ponTemperature'],
    customMetrics: [{ name: 'custom.ponTemperature', kind: 'gauge', unit: 'Cel', paths: { Device: 'Device.X_V.Pon.{pon}.Temperature' } }],
    target: { filter: 'productClass = "ONT"' },
    intervalSeconds: 900,
    source: 'bulkdata',
    enabled: true,
    createdAt: DAY,
    createdBy: 'api:ops',
    updatedAt: DAY,
    revision,
  };
}

/** The monitoring store's contract, run on SQLite (sqlite.contract.spec.ts) and MongoDB/FerretDB (mongo.contract.int-spec.ts). */
export function describeMonitoringStoreContract(name: string, open: () => Promise<MonitoringStoreUnderTest>): void {
  describe(`monitoring store on ${name}`, () => {
    let under: MonitoringStoreUnderTest;
    let store: MonitoringStore;
    beforeEach(async () => {
      under = await open();
      store = under.store;
    });
    afterEach(() => under.cleanup());

    const raceIt = (title: string, body: () => Promise<void>) =>
      it(title, async () => {
        if (!under.isolatesConcurrentWrites) {
          console.warn(`NOT CHECKED on this server: "${title}": it does not isolate concurrent writes to one document (FerretDB 1.24)`);
          return;
        }
        await body();
      });

    describe('profiles', () => {
      it('inserts, reads, lists by name, replaces at a revision and deletes', async () => {
        await store.profiles.insert(profile('p2', 'WAN'));
        await store.profiles.insert(profile('p1', 'Optical'));
        await expect(store.profiles.insert(profile('p1', 'again'))).rejects.toBeInstanceOf(ConflictError);
        expect(await store.profiles.get('p2')).toEqual(profile('p2', 'WAN'));
        expect((await store.profiles.list()).map((p) => p.name)).toEqual(['Optical', 'WAN']);
        expect(await store.profiles.replace({ ...profile('p2', 'WAN 2', 2), enabled: false }, 1)).toBe(true);
        expect(await store.profiles.replace(profile('p2', 'stale', 2), 1)).toBe(false);
        expect(await store.profiles.get('p2')).toMatchObject({ name: 'WAN 2', enabled: false, revision: 2 });
        expect(await store.profiles.delete('p2')).toBe(true);
        expect(await store.profiles.delete('p2')).toBe(false);
        expect(await store.profiles.get('p2')).toBeNull();
      });

      it('reads a profile stored before collection sources existed as read', async () => {
        const { source: _source, ...older } = profile('p3', 'Older');
        await store.profiles.insert(older as MonitoringProfile);
        expect((await store.profiles.get('p3'))?.source).toBe('reads');
      });
    });

    describe('device states', () => {
      it('stores a state once per revision, with its last readings', async () => {
        const state = { deviceId: 'dev-1', root: 'Device' as const, instances: { wan: '2' }, last: { 'wan.bytesReceived': { at: DAY, raw: 5, uptime: 100 }, 'system.uptime': { at: DAY, raw: 100 } }, revision: 0 };
        expect(await store.devices.getMany(['dev-1'])).toEqual(new Map());
        expect(await store.devices.save(state, 0)).toBe(true);
        expect(await store.devices.save(state, 0)).toBe(false);
        const read = (await store.devices.getMany(['dev-1', 'dev-2'])).get('dev-1');
        expect(read).toEqual({ ...state, revision: 1 });
        expect(await store.devices.save({ ...state, last: {} }, 2)).toBe(false);
        expect(await store.devices.save({ ...state, last: {} }, 1)).toBe(true);
        expect((await store.devices.getMany(['dev-1'])).get('dev-1')).toMatchObject({ last: {}, revision: 2 });
      });
    });

    describe('samples', () => {
      it('appends to the raw bucket of each day and reads a range back in time order, with rates and resets', async () => {
        await store.samples.append('dev-1', [
          { metric: 'wan.bytesReceived', at: DAY + 23 * HOUR_MS, value: 100, rate: null },
          { metric: 'system.cpuUsage', at: DAY + 23 * HOUR_MS, value: 12 },
        ]);
        await store.samples.append('dev-1', [
          { metric: 'wan.bytesReceived', at: DAY + DAY_MS + 900_000, value: 50, rate: null, reset: 'reboot' },
          { metric: 'wan.bytesReceived', at: DAY + DAY_MS + 1_800_000, value: 950, rate: 1 },
        ]);
        await store.samples.append('dev-2', [{ metric: 'wan.bytesReceived', at: DAY + 23 * HOUR_MS, value: 7, rate: null }]);
        expect(await store.samples.readRaw('dev-1', 'wan.bytesReceived', DAY, DAY + 2 * DAY_MS)).toEqual([
          { at: DAY + 23 * HOUR_MS, value: 100, rate: null },
          { at: DAY + DAY_MS + 900_000, value: 50, rate: null, reset: 'reboot' },
          { at: DAY + DAY_MS + 1_800_000, value: 950, rate: 1 },
        ]);
        expect(await store.samples.readRaw('dev-1', 'wan.bytesReceived', DAY + DAY_MS + 900_001, DAY + 2 * DAY_MS)).toEqual([{ at: DAY + DAY_MS + 1_800_000, value: 950, rate: 1 }]);
        expect(await store.samples.readRaw('dev-1', 'system.cpuUsage', DAY, DAY + 2 * DAY_MS)).toEqual([{ at: DAY + 23 * HOUR_MS, value: 12 }]);
        expect(await store.samples.readRaw('dev-1', 'optical.rxPower', DAY, DAY + 2 * DAY_MS)).toEqual([]);
      });

      raceIt('creates a bucket once when two writers append its first samples at once', async () => {
        await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.samples.append('dev-1', [{ metric: 'system.cpuUsage', at: DAY + (i + 1) * 60_000, value: i }])),
        );
        const samples = await store.samples.readRaw('dev-1', 'system.cpuUsage', DAY, DAY + DAY_MS);
        expect(samples.map((s) => s.value).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      });

      it('hands finished unfolded buckets to the rollup and marks them folded unless samples came meanwhile', async () => {
        await store.samples.append('dev-1', [{ metric: 'system.cpuUsage', at: DAY + 60_000, value: 10 }]);
        await store.samples.append('dev-2', [{ metric: 'system.cpuUsage', at: DAY + DAY_MS + 60_000, value: 20 }]);
        const due = await store.samples.dueBuckets(DAY + DAY_MS, 10);
        expect(due.map((b) => [b.deviceId, b.start, b.end, b.appended])).toEqual([['dev-1', DAY, DAY + DAY_MS, 1]]);
        expect(due[0].series.get('system.cpuUsage')).toEqual([{ at: DAY + 60_000, value: 10 }]);
        await store.samples.append('dev-1', [{ metric: 'system.cpuUsage', at: DAY + 120_000, value: 11 }]);
        expect(await store.samples.markFolded(due[0])).toBe(false);
        const again = await store.samples.dueBuckets(DAY + DAY_MS, 10);
        expect(again[0].appended).toBe(2);
        expect(await store.samples.markFolded(again[0])).toBe(true);
        expect(await store.samples.dueBuckets(DAY + DAY_MS, 10)).toEqual([]);
        // Only folded buckets expire.
        expect(await store.samples.deleteEnded('raw', DAY + 3 * DAY_MS)).toBe(1);
        expect(await store.samples.readRaw('dev-2', 'system.cpuUsage', DAY, DAY + 2 * DAY_MS)).toHaveLength(1);
      });

      it("appends hourly points to their day's bucket and daily ones to their month's, the last of a period winning, and deletes ended ones", async () => {
        const point = (at: number, avg: number) => ({ at, count: 4, min: avg - 1, avg, max: avg + 1 });
        await store.samples.appendRollups('hour', 'dev-1', [
          { metric: 'wan.bytesReceived', point: point(DAY, 10) },
          { metric: 'wan.bytesReceived', point: point(DAY + HOUR_MS, 20) },
          { metric: 'system.cpuUsage', point: point(DAY, 5) },
        ]);
        await store.samples.appendRollups('hour', 'dev-1', [{ metric: 'wan.bytesReceived', point: point(DAY + HOUR_MS, 21) }]);
        await store.samples.appendRollups('hour', 'dev-1', [{ metric: 'wan.bytesReceived', point: point(Date.UTC(2027, 0, 1), 30) }]);
        expect(await store.samples.readRollups('hour', 'dev-1', 'wan.bytesReceived', DAY, Date.UTC(2027, 0, 2))).toEqual([point(DAY, 10), point(DAY + HOUR_MS, 21), point(Date.UTC(2027, 0, 1), 30)]);
        expect(await store.samples.readRollups('hour', 'dev-1', 'wan.bytesReceived', DAY + HOUR_MS, DAY + 2 * HOUR_MS)).toEqual([point(DAY + HOUR_MS, 21)]);
        await store.samples.appendRollups('day', 'dev-1', [{ metric: 'wan.bytesReceived', point: point(DAY, 15) }]);
        expect(await store.samples.readRollups('day', 'dev-1', 'wan.bytesReceived', DAY - DAY_MS, DAY + DAY_MS)).toEqual([point(DAY, 15)]);
        expect(await store.samples.deleteEnded('hour', Date.UTC(2027, 0, 1))).toBe(1);
        expect(await store.samples.readRollups('hour', 'dev-1', 'wan.bytesReceived', DAY, Date.UTC(2027, 0, 2))).toEqual([point(Date.UTC(2027, 0, 1), 30)]);
        expect(await store.samples.deleteEnded('day', Date.UTC(2027, 0, 1))).toBe(1);
      });
    });
  });
}
