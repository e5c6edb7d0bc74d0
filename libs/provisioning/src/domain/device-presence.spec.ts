import { DEFAULT_PRESENCE_POLICY, isDeviceOnline, onlineWindowMs, periodicInformIntervalOf, type DevicePresencePolicy } from './device-presence';

describe('device presence', () => {
  const policy: DevicePresencePolicy = { defaultIntervalSeconds: 3600, marginSeconds: 120, fixedWindowSeconds: 0 };
  const lastInform = Date.parse('2026-12-07T12:00:00Z');

  it('is online within its own periodic interval plus the margin, offline after', () => {
    const device = { lastInform, periodicInformInterval: 300 };
    expect(isDeviceOnline(device, lastInform, policy)).toBe(true);
    expect(isDeviceOnline(device, lastInform + 420_000, policy)).toBe(true);
    expect(isDeviceOnline(device, lastInform + 420_001, policy)).toBe(false);
  });

  it('takes the default interval when the device\'s is unknown or 0 (periodic Informs off)', () => {
    expect(onlineWindowMs({ lastInform }, policy)).toBe(3_720_000);
    expect(onlineWindowMs({ lastInform, periodicInformInterval: 0 }, policy)).toBe(3_720_000);
    expect(isDeviceOnline({ lastInform }, lastInform + 3_000_000, policy)).toBe(true);
    expect(isDeviceOnline({ lastInform }, lastInform + 3_720_001, policy)).toBe(false);
  });

  it('uses one fixed window for every device when configured', () => {
    const fixed = { ...policy, fixedWindowSeconds: 60 };
    expect(isDeviceOnline({ lastInform, periodicInformInterval: 86_400 }, lastInform + 61_000, fixed)).toBe(false);
    expect(isDeviceOnline({ lastInform, periodicInformInterval: 10 }, lastInform + 59_000, fixed)).toBe(true);
  });

  it('calls a device that never informed offline', () => {
    expect(isDeviceOnline({}, lastInform, DEFAULT_PRESENCE_POLICY)).toBe(false);
  });

  it('reads an interval from a parameter value typed as a number or as text, and nothing else', () => {
    expect(periodicInformIntervalOf(300)).toBe(300);
    expect(periodicInformIntervalOf('86400')).toBe(86_400);
    expect(periodicInformIntervalOf(' 60 ')).toBe(60);
    expect(periodicInformIntervalOf('')).toBeUndefined();
    expect(periodicInformIntervalOf('5m')).toBeUndefined();
    expect(periodicInformIntervalOf(-1)).toBeUndefined();
    expect(periodicInformIntervalOf(1.5)).toBeUndefined();
    expect(periodicInformIntervalOf(true)).toBeUndefined();
    expect(periodicInformIntervalOf(undefined)).toBeUndefined();
  });
});
