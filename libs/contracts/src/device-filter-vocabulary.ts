/**
 * The names a device filter writes bare (docs/filter-language.md): what provisioning's devices answer to, and what
 * another service evaluating a device filter in memory must read (grouping's dynamic groups). Provisioning derives its
 * own list from its device record (DEVICE_QUERY_FIELDS); a spec there proves the two lists are the same, so a field
 * added to the record and not here fails the build's tests.
 */
export const DEVICE_FILTER_FIELDS = [
  'id',
  'oui',
  'productClass',
  'serialNumber',
  'manufacturer',
  'rootObject',
  'softwareVersion',
  'hardwareVersion',
  'ip',
  'registeredAt',
  'lastInform',
  'lastBoot',
  'lastBootstrap',
  'periodicInformInterval',
] as const;
export type DeviceFilterField = (typeof DEVICE_FILTER_FIELDS)[number];

/** Of DEVICE_FILTER_FIELDS, those holding epoch milliseconds (compared with ISO 8601 timestamps). */
export const DEVICE_FILTER_TIME_FIELDS = ['registeredAt', 'lastInform', 'lastBoot', 'lastBootstrap'] as const satisfies readonly DeviceFilterField[];
