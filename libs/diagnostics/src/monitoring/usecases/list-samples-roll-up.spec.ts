import { ValidationError } from '@acs/platform';

import { DAY_MS, HOUR_MS } from '../domain/sample-series';
import { openMonitoringFixture, type MonitoringFixture } from '../testing/monitoring-fixture';

const DAY = Date.UTC(2026, 11, 1);
const MIN15 = 900_000;

describe('ListSamples and RollUpSamples', () => {
  let f: MonitoringFixture;
  beforeEach(async () => {
    f = await openMonitoringFixture({ now: DAY });
  });
  afterEach(() => f.close());

  /** A day of 15-minute samples: bytes growing 1,000/s then 3,000/s after noon; CPU 10 % then 30 %. */
  async function ingestDay(day: number): Promise<void> {
    let bytes = 0;
    const samples = [];
    for (let i = 0; i < 96; i++) {
      const at = day + i * MIN15;
      if (i > 0) bytes += (at - MIN15 >= day + 12 * HOUR_MS ? 3_000 : 1_000) * 900;
      samples.push({ deviceId: 'dev', at, source: 'read' as const, values: { 'wan.bytesReceived': bytes, 'system.cpuUsage': at >= day + 12 * HOUR_MS ? 30 : 10 } });
    }
    f.clock.current = day + DAY_MS;
    await f.ingest.execute({ samples });
  }

  it('reads the raw series of the last day by default, counters with their rate', async () => {
    await ingestDay(DAY);
    const series = await f.listSamples.execute({ deviceId: 'dev', metric: 'wan.bytesReceived' });
    expect(series).toMatchObject({ metric: 'wan.bytesReceived', kind: 'counter', unit: 'bytes', resolution: 'raw', since: DAY, until: DAY + DAY_MS });
    expect(series.points).toHaveLength(96);
    expect(series.points[0]).toEqual({ at: DAY, value: 0, rate: null });
    expect(series.points[1]).toEqual({ at: DAY + MIN15, value: 900_000, rate: 1_000 });
    expect(series.points[95].rate).toBe(3_000);
  });

  it('folds finished days into hourly and daily points, read back at those resolutions', async () => {
    await ingestDay(DAY);
    await ingestDay(DAY + DAY_MS);
    f.clock.current = DAY + 2 * DAY_MS + 2 * HOUR_MS;
    expect(await f.rollUp.execute()).toEqual({ folded: 2, changedMeanwhile: 0, deleted: { raw: 0, hour: 0, day: 0 }, more: false });
    const hourly = await f.listSamples.execute({ deviceId: 'dev', metric: 'wan.bytesReceived', since: DAY, until: DAY + DAY_MS, resolution: 'hour' });
    expect(hourly.points).toHaveLength(24);
    // The first hour holds 3 rates (its first sample has none). A rate belongs to the interval ending at its sample:
    // 12:00's is 11:45–12:00's (1,000/s), so the noon hour mixes one 1,000 with three 3,000.
    expect(hourly.points[0]).toEqual({ at: DAY, value: 1_000, count: 3, min: 1_000, avg: 1_000, max: 1_000 });
    expect(hourly.points[12]).toEqual({ at: DAY + 12 * HOUR_MS, value: 2_500, count: 4, min: 1_000, avg: 2_500, max: 3_000 });
    expect(hourly.points[13]).toEqual({ at: DAY + 13 * HOUR_MS, value: 3_000, count: 4, min: 3_000, avg: 3_000, max: 3_000 });
    const daily = await f.listSamples.execute({ deviceId: 'dev', metric: 'system.cpuUsage', since: DAY, until: DAY + 2 * DAY_MS, resolution: 'day' });
    expect(daily.points).toEqual([
      { at: DAY, value: 20, count: 96, min: 10, avg: 20, max: 30 },
      { at: DAY + DAY_MS, value: 20, count: 96, min: 10, avg: 20, max: 30 },
    ]);
    // A month asked for at auto resolution reads hourly points.
    expect((await f.listSamples.execute({ deviceId: 'dev', metric: 'system.cpuUsage', since: DAY, until: DAY + 20 * DAY_MS })).resolution).toBe('hour');
  });

  it('waits for late samples before folding a day, and folds it again when one comes after', async () => {
    await ingestDay(DAY);
    f.clock.current = DAY + DAY_MS + 30 * 60_000;
    expect((await f.rollUp.execute()).folded).toBe(0);
    f.clock.current = DAY + DAY_MS + HOUR_MS;
    expect((await f.rollUp.execute()).folded).toBe(1);
    await f.store.samples.append('dev', [{ metric: 'system.cpuUsage', at: DAY + DAY_MS - 60_000, value: 90 }]);
    expect((await f.rollUp.execute()).folded).toBe(1);
    const lastHour = await f.listSamples.execute({ deviceId: 'dev', metric: 'system.cpuUsage', since: DAY + 23 * HOUR_MS, until: DAY + DAY_MS, resolution: 'hour' });
    expect(lastHour.points).toEqual([{ at: DAY + 23 * HOUR_MS, value: 42, count: 5, min: 30, avg: 42, max: 90 }]);
  });

  it('deletes each tier after its retention, raw buckets only once folded', async () => {
    await ingestDay(DAY);
    f.clock.current = DAY + 9 * DAY_MS;
    expect((await f.rollUp.execute()).deleted).toEqual({ raw: 1, hour: 0, day: 0 });
    expect((await f.listSamples.execute({ deviceId: 'dev', metric: 'system.cpuUsage', since: DAY, until: DAY + DAY_MS, resolution: 'raw' })).points).toEqual([]);
    expect((await f.listSamples.execute({ deviceId: 'dev', metric: 'system.cpuUsage', since: DAY, until: DAY + DAY_MS, resolution: 'hour' })).points).toHaveLength(24);
    f.clock.current = Date.UTC(2027, 3, 1);
    expect((await f.rollUp.execute()).deleted).toEqual({ raw: 0, hour: 1, day: 0 });
    f.clock.current = Date.UTC(2029, 0, 2);
    expect((await f.rollUp.execute()).deleted).toEqual({ raw: 0, hour: 0, day: 1 });
  });

  it('refuses a bad query with every violation', async () => {
    const error = await f.listSamples.execute({ deviceId: '', metric: 'wan.nope', since: 10, until: 5, resolution: 'minute' as never }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['deviceId:REQUIRED', 'metric:UNKNOWN_METRIC', 'since:OUT_OF_RANGE', 'resolution:BAD_FORMAT']);
    await expect(f.listSamples.execute({ deviceId: 'dev', metric: 'system.cpuUsage', since: DAY - 60 * DAY_MS, until: DAY, resolution: 'raw' })).rejects.toThrow(/raw series spans at most 31 days/);
  });
});
