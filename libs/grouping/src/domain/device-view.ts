import { DEVICE_FILTER_FIELDS, DEVICE_FILTER_TIME_FIELDS, type AcsDeviceEventData, type DeviceFilterField } from '@acs/contracts';
import type { FilterDocumentReader, FilterValue, FilterVocabulary } from '@acs/filter';

/**
 * What grouping knows of a device when it evaluates a dynamic group's filter in memory: some of its fields, some of
 * its parameters' values and perhaps its tags — read from an acs.device event (partial) or from provisioning (the
 * fields and parameters a group's filter names). The filter language's semantics are @acs/filter's, the same
 * provisioning's queries follow; a value the view lacks is unknown (IS NULL), so a view is evaluated only for groups
 * whose every reference it covers (GroupDirectory.covers).
 */
export interface DeviceView {
  id: string;
  fields: Partial<Record<DeviceFilterField, FilterValue>>;
  /** Parameter values by full path, typed as provisioning stores them (a number for integers, a boolean). */
  parameters: Record<string, string | number | boolean>;
  /** The device's tags, when read from provisioning or told by an acs.device.tags-changed event. */
  tags?: readonly string[];
  /** What the view holds: `field:<name>`, `param:<path>`, `tag` (filter reference keys, group-rule.ts). */
  known: ReadonlySet<string>;
}

/** Device filters' vocabulary: provisioning's, as @acs/contracts publishes it. */
export const DEVICE_VOCABULARY: FilterVocabulary = {
  fields: DEVICE_FILTER_FIELDS,
  timeFields: DEVICE_FILTER_TIME_FIELDS,
  examplePath: 'Device.DeviceInfo.SoftwareVersion',
};

const FIELD_SET: ReadonlySet<string> = new Set(DEVICE_FILTER_FIELDS);

/** How a DeviceView is read by evaluateFilter. */
export const DEVICE_VIEW_READER: FilterDocumentReader<DeviceView> = {
  valueOf: (device, field) => {
    if (field.kind === 'parameter') return device.parameters[field.path];
    if (field.name === 'id') return device.id;
    return FIELD_SET.has(field.name) ? device.fields[field.name as DeviceFilterField] : undefined;
  },
  tagsOf: (device) => device.tags ?? [],
};

/** The fields every acs.device event carries (the device's identity and, when known, its software version). */
const EVENT_IDENTITY_FIELDS = ['id', 'oui', 'productClass', 'serialNumber'] as const;

/** What an acs.device event tells of the device: its identity, software version, the parameters it reported, its tags. */
export function deviceViewOfEvent(data: AcsDeviceEventData): DeviceView {
  const known = new Set<string>(EVENT_IDENTITY_FIELDS.map((field) => `field:${field}`));
  const fields: DeviceView['fields'] = { oui: data.oui, productClass: data.productClass, serialNumber: data.serialNumber };
  if (data.softwareVersion !== undefined) {
    fields.softwareVersion = data.softwareVersion;
    known.add('field:softwareVersion');
  }
  const parameters: Record<string, string | number | boolean> = {};
  for (const { path, value } of data.parameters ?? []) {
    parameters[path] = value;
    known.add(`param:${path}`);
  }
  if (data.tags !== undefined) {
    known.add('tag');
    return { id: data.deviceId, fields, parameters, tags: [...data.tags], known };
  }
  return { id: data.deviceId, fields, parameters, known };
}
