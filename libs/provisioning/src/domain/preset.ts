/** When a preset is evaluated. */
export type PresetTrigger =
  | { event: string } // an Inform event code: '0 BOOTSTRAP', '1 BOOT', '2 PERIODIC', 'M Reboot', …
  | { anyInform: true }
  | { cron: string }; // evaluated at the schedule's ticks (5 or 6 fields, UTC)

export type PresetAction =
  /** Desired values; `value` may be a template like `pppoe-{{serialNumber}}`. Only differing values are set. */
  | { setValues: Array<{ path: string; value: string | number | boolean; type?: string }> }
  /**
   * Ensure instances of a multi-instance object exist, identified by a key parameter (relative to the instance), each
   * with the given values; `removeOthers` deletes instances whose key is not listed.
   */
  | { ensureInstances: { object: string; key: string; instances: Array<Record<string, string | number | boolean>>; removeOthers?: boolean } }
  | { addTags: string[] }
  | { removeTags: string[] }
  | { refresh: string }
  | { reboot: true }
  | { download: { fileType: string; url: string; fileSize?: number; targetFileName?: string } };

export interface Preset {
  name: string;
  /** Higher weight wins when two presets set the same parameter. */
  weight: number;
  /** Faults are tracked per device and channel. */
  channel: string;
  /** Filter expression over the device (documented in docs/filter-language.md); empty = every device. */
  precondition: string;
  triggers: PresetTrigger[];
  actions: PresetAction[];
  enabled: boolean;
  updatedAt: number;
}

/** A fault per device and channel: what kept a preset or task from being applied. */
export interface DeviceFault {
  deviceId: string;
  channel: string;
  code: string;
  message: string;
  retries: number;
  firstAt: number;
  lastAt: number;
  detail?: unknown;
}
