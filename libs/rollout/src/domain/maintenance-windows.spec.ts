import { instantOfWallClock, MaintenanceSchedule, zoneOffsetAt } from './maintenance-windows';

const utc = (text: string) => Date.parse(text);
const PARIS = 'Europe/Paris';
const NIGHTLY = [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const, start: '02:00', end: '05:00' }];

describe('local wall-clock times in a zone', () => {
  it('reads the offset in winter and in summer', () => {
    expect(zoneOffsetAt(PARIS, utc('2027-01-15T12:00:00Z'))).toBe(3_600_000);
    expect(zoneOffsetAt(PARIS, utc('2027-07-15T12:00:00Z'))).toBe(7_200_000);
  });

  it('places a time skipped when the clocks go forward after the gap, and a repeated time at its first occurrence', () => {
    // 2027-03-28 02:00 Paris jumps to 03:00: 02:30 does not exist, it is taken as 03:30 CEST (01:30 UTC).
    expect(instantOfWallClock(PARIS, utc('2027-03-28T02:30:00Z'))).toBe(utc('2027-03-28T01:30:00Z'));
    // 2027-10-31 03:00 Paris goes back to 02:00: 02:30 happens at 00:30 UTC and again at 01:30 UTC.
    expect(instantOfWallClock(PARIS, utc('2027-10-31T02:30:00Z'))).toBe(utc('2027-10-31T00:30:00Z'));
    expect(instantOfWallClock('America/New_York', utc('2027-07-04T09:00:00Z'))).toBe(utc('2027-07-04T13:00:00Z'));
  });
});

describe('MaintenanceSchedule', () => {
  it('is always open without windows', () => {
    const schedule = new MaintenanceSchedule([], 'UTC');
    expect(schedule.isOpen(0)).toBe(true);
    expect(schedule.nextClosing(0)).toBeNull();
    expect(schedule.afterOpenTime(1000, 5000)).toBe(6000);
  });

  it('opens on the listed days in the local time of its zone', () => {
    const schedule = new MaintenanceSchedule([{ days: ['mon', 'tue'], start: '09:00', end: '17:00' }], 'America/New_York');
    // Monday 2027-07-05 09:00 EDT is 13:00 UTC.
    expect(schedule.isOpen(utc('2027-07-05T12:59:00Z'))).toBe(false);
    expect(schedule.isOpen(utc('2027-07-05T13:00:00Z'))).toBe(true);
    expect(schedule.isOpen(utc('2027-07-05T20:59:00Z'))).toBe(true);
    expect(schedule.isOpen(utc('2027-07-05T21:00:00Z'))).toBe(false);
    // Wednesday is not listed: the next opening is the following Monday.
    expect(schedule.nextOpening(utc('2027-07-07T14:00:00Z'))).toBe(utc('2027-07-12T13:00:00Z'));
  });

  it('runs past midnight into the next day when the end is before the start', () => {
    const schedule = new MaintenanceSchedule([{ days: ['fri'], start: '22:00', end: '04:00' }], 'UTC');
    expect(schedule.isOpen(utc('2027-07-09T23:00:00Z'))).toBe(true); // Friday night
    expect(schedule.isOpen(utc('2027-07-10T03:59:00Z'))).toBe(true); // Saturday morning, the same window
    expect(schedule.isOpen(utc('2027-07-10T22:30:00Z'))).toBe(false); // Saturday night is not listed
    expect(schedule.nextClosing(utc('2027-07-09T23:00:00Z'))).toBe(utc('2027-07-10T04:00:00Z'));
  });

  it('is two hours long the night the clocks go forward and four the night they go back', () => {
    const schedule = new MaintenanceSchedule(NIGHTLY, PARIS);
    // Spring: 02:00 does not exist; the window opens at 03:00 CEST (01:00 UTC) and closes at 05:00 CEST (03:00 UTC).
    expect(schedule.isOpen(utc('2027-03-28T00:59:00Z'))).toBe(false);
    expect(schedule.nextOpening(utc('2027-03-27T22:00:00Z'))).toBe(utc('2027-03-28T01:00:00Z'));
    expect(schedule.nextClosing(utc('2027-03-28T01:00:00Z'))).toBe(utc('2027-03-28T03:00:00Z'));
    // Autumn: 02:00 CEST is 00:00 UTC; 05:00 CET is 04:00 UTC.
    expect(schedule.nextOpening(utc('2027-10-30T22:00:00Z'))).toBe(utc('2027-10-31T00:00:00Z'));
    expect(schedule.nextClosing(utc('2027-10-31T00:00:00Z'))).toBe(utc('2027-10-31T04:00:00Z'));
    expect(schedule.isOpen(utc('2027-10-31T03:30:00Z'))).toBe(true);
    // An ordinary summer night: 02:00–05:00 CEST is 00:00–03:00 UTC.
    expect(schedule.isOpen(utc('2027-07-01T00:00:00Z'))).toBe(true);
    expect(schedule.isOpen(utc('2027-07-01T03:00:00Z'))).toBe(false);
  });

  it('joins adjoining windows into one opening', () => {
    const schedule = new MaintenanceSchedule(
      [
        { days: ['sat'], start: '20:00', end: '24:00' },
        { days: ['sun'], start: '00:00', end: '06:00' },
      ],
      'UTC',
    );
    expect(schedule.nextClosing(utc('2027-07-10T21:00:00Z'))).toBe(utc('2027-07-11T06:00:00Z'));
  });

  it('spreads work over the open time only', () => {
    const schedule = new MaintenanceSchedule([{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '01:00', end: '03:00' }], 'UTC');
    // Three hours of work from 02:00: one hour tonight, two tomorrow night.
    expect(schedule.afterOpenTime(utc('2027-07-05T02:00:00Z'), 3 * 3_600_000)).toBe(utc('2027-07-06T03:00:00Z'));
    // From a closed time, the work starts at the next opening.
    expect(schedule.afterOpenTime(utc('2027-07-05T12:00:00Z'), 30 * 60_000)).toBe(utc('2027-07-06T01:30:00Z'));
  });
});
