import { firstRunAt, nextRunAfter, scheduleViolations } from './job-schedule';

describe('job schedules', () => {
  const monday = Date.UTC(2027, 0, 4, 12);

  it('runs a once-job now or at its time, and never again', () => {
    expect(firstRunAt({ kind: 'now' }, monday)).toBe(monday);
    expect(firstRunAt({ kind: 'at', at: monday + 5 }, monday)).toBe(monday + 5);
    expect(nextRunAfter({ kind: 'at', at: monday + 5 }, monday + 5)).toBeUndefined();
    expect(nextRunAfter({ kind: 'now' }, monday)).toBeUndefined();
  });

  it('runs a cron job at its occurrences in its zone, across a daylight-saving change', () => {
    const nightly = { kind: 'cron' as const, expression: '0 2 * * *', timeZone: 'Europe/Paris' };
    expect(firstRunAt(nightly, monday)).toBe(Date.UTC(2027, 0, 5, 1));
    // After Paris moved to summer time (2027-03-28), 02:00 there is 00:00 UTC.
    expect(nextRunAfter(nightly, Date.UTC(2027, 2, 29, 1))).toBe(Date.UTC(2027, 2, 30, 0));
  });

  it('names what is wrong', () => {
    expect(scheduleViolations({ kind: 'cron', expression: '0 2 * * * *', timeZone: 'UTC' })[0]).toMatchObject({ field: 'schedule.cron' });
    expect(scheduleViolations({ kind: 'cron', expression: '0 25 * * *', timeZone: 'UTC' })[0]).toMatchObject({ field: 'schedule.cron' });
    expect(scheduleViolations({ kind: 'cron', expression: '0 2 * * *', timeZone: 'Nowhere/Land' })[0]).toMatchObject({ field: 'schedule.time_zone' });
    expect(scheduleViolations({ kind: 'at', at: Number.NaN })[0]).toMatchObject({ field: 'schedule.at' });
    expect(scheduleViolations({ kind: 'cron', expression: '*/15 8-18 * * mon-fri', timeZone: 'America/New_York' })).toEqual([]);
  });
});
