import type { DeviceRecord } from './device';

// Whether a device is online, in the only sense an ACS can know it: it informed when it was due to. A CPE contacts
// the ACS every ManagementServer.PeriodicInformInterval seconds; one that has not been heard from for longer than
// that (plus a margin for the session and the clock) has missed its Inform.

/** How the ACS decides a device is online (ProvisioningConfig.presence; ACS_ONLINE_* variables). */
export interface DevicePresencePolicy {
  /** The interval assumed for a device whose PeriodicInformInterval is not known, seconds. */
  defaultIntervalSeconds: number;
  /** Added to the interval: a session's length, retries, clocks that disagree, seconds. */
  marginSeconds: number;
  /** When set (> 0), one window for every device instead of its own interval plus the margin, seconds. */
  fixedWindowSeconds: number;
}

export const DEFAULT_PRESENCE_POLICY: DevicePresencePolicy = { defaultIntervalSeconds: 3600, marginSeconds: 120, fixedWindowSeconds: 0 };

/** What presence reads of a device. */
export type PresenceFacts = Pick<Partial<DeviceRecord>, 'lastInform' | 'periodicInformInterval'>;

/** How long after its last Inform a device still counts as online, milliseconds. */
export function onlineWindowMs(device: PresenceFacts, policy: DevicePresencePolicy): number {
  if (policy.fixedWindowSeconds > 0) return policy.fixedWindowSeconds * 1000;
  // An interval of 0 means periodic Informs are off (TR-069 PeriodicInformEnable false reads the same in practice):
  // the default stands in rather than calling every such device offline a second after its Inform.
  const interval = device.periodicInformInterval !== undefined && device.periodicInformInterval > 0 ? device.periodicInformInterval : policy.defaultIntervalSeconds;
  return (interval + policy.marginSeconds) * 1000;
}

/** Whether the device informed within its window before `now` (epoch ms). A device that never informed is offline. */
export function isDeviceOnline(device: PresenceFacts, now: number, policy: DevicePresencePolicy): boolean {
  if (device.lastInform === undefined) return false;
  return now - device.lastInform <= onlineWindowMs(device, policy);
}

/** The PeriodicInformInterval a parameter value gives, in seconds; undefined when it is not a whole number. */
export function periodicInformIntervalOf(value: string | number | boolean | undefined): number | undefined {
  if (typeof value === 'boolean' || value === undefined) return undefined;
  const seconds = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(seconds) && seconds >= 0 ? seconds : undefined;
}
