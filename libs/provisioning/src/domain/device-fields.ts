import type { DeviceRecord } from './device';

// The one list of a device record's fields. The stored shape, the repositories, the filter vocabulary, the API's sort
// keys and projection, and preset templates all derive their lists from this table, so a new field is added here
// once (and to DeviceRecord, which the table must cover: the compiler checks both ways).

/** A field of a device record besides `id` and the parameter tree; each is stored top level under its own name. */
export type DeviceRecordField = Exclude<keyof DeviceRecord, 'id' | 'parameters'>;

interface DeviceFieldTraits<K extends DeviceRecordField> {
  /** Text, epoch milliseconds, a number (seconds), or a list (events, tags). */
  kind: 'text' | 'time' | 'number' | 'list';
  /** Whether DeviceRecord may lack it (checked against the type). */
  optional: Partial<Pick<DeviceRecord, K>> extends Pick<DeviceRecord, K> ? true : false;
  /**
   * Whether filters, sorts and templates name it: what a device is and when it was seen. Not how to reach it
   * (connection request address and credentials) and not the lists, which filters reach through `tag`.
   */
  named: boolean;
  /** Credentials the ACS set on the device: stored, never returned by the API. */
  secret: boolean;
}

const FIELDS = {
  oui: { kind: 'text', optional: false, named: true, secret: false },
  productClass: { kind: 'text', optional: false, named: true, secret: false },
  serialNumber: { kind: 'text', optional: false, named: true, secret: false },
  manufacturer: { kind: 'text', optional: false, named: true, secret: false },
  rootObject: { kind: 'text', optional: false, named: true, secret: false },
  softwareVersion: { kind: 'text', optional: true, named: true, secret: false },
  hardwareVersion: { kind: 'text', optional: true, named: true, secret: false },
  ip: { kind: 'text', optional: true, named: true, secret: false },
  connectionRequestUrl: { kind: 'text', optional: true, named: false, secret: false },
  udpConnectionRequestAddress: { kind: 'text', optional: true, named: false, secret: false },
  connectionRequestUsername: { kind: 'text', optional: true, named: false, secret: true },
  connectionRequestPassword: { kind: 'text', optional: true, named: false, secret: true },
  registeredAt: { kind: 'time', optional: false, named: true, secret: false },
  lastInform: { kind: 'time', optional: true, named: true, secret: false },
  lastBoot: { kind: 'time', optional: true, named: true, secret: false },
  lastBootstrap: { kind: 'time', optional: true, named: true, secret: false },
  periodicInformInterval: { kind: 'number', optional: true, named: true, secret: false },
  recentEvents: { kind: 'list', optional: false, named: false, secret: false },
  tags: { kind: 'list', optional: false, named: false, secret: false },
} as const satisfies { [K in DeviceRecordField]: DeviceFieldTraits<K> };

type FieldsWhere<T> = { [K in DeviceRecordField]: (typeof FIELDS)[K] extends T ? K : never }[DeviceRecordField];

function fieldsWhere<K extends DeviceRecordField>(test: (traits: (typeof FIELDS)[DeviceRecordField]) => boolean): readonly K[] {
  return (Object.keys(FIELDS) as DeviceRecordField[]).filter((f) => test(FIELDS[f])) as K[];
}

/** What each field holds: text, epoch milliseconds, a number, or a list (events, tags). */
export function deviceFieldKind(field: DeviceRecordField): 'text' | 'time' | 'number' | 'list' {
  return FIELDS[field].kind;
}

/** Every stored field of a device besides `_id` and the parameter tree. */
export const DEVICE_RECORD_FIELDS: readonly DeviceRecordField[] = fieldsWhere(() => true);

export type OptionalDeviceField = FieldsWhere<{ optional: true }>;

/** The fields a device record may lack (stored absent rather than null or undefined). */
export const OPTIONAL_DEVICE_FIELDS: readonly OptionalDeviceField[] = fieldsWhere((t) => t.optional);

/** The fields the API returns: all of them but the connection request credentials. */
export const API_DEVICE_FIELDS: readonly DeviceRecordField[] = fieldsWhere((t) => !t.secret);

export type DeviceQueryField = 'id' | FieldsWhere<{ named: true }>;

/** The fields a filter names bare and a query sorts on (besides `tag` and parameter paths), `id` first. */
export const DEVICE_QUERY_FIELDS: readonly DeviceQueryField[] = ['id', ...fieldsWhere<FieldsWhere<{ named: true }>>((t) => t.named)];

export type DeviceTimeField = FieldsWhere<{ named: true; kind: 'time' }>;

/** Of DEVICE_QUERY_FIELDS, those holding epoch milliseconds (a filter compares them with ISO 8601 timestamps). */
export const DEVICE_TIME_FIELDS: readonly DeviceTimeField[] = fieldsWhere((t) => t.named && t.kind === 'time');

export type DeviceTextField = 'id' | FieldsWhere<{ named: true; kind: 'text' }>;

/** Of DEVICE_QUERY_FIELDS, those holding text (what a preset template can name). */
export const DEVICE_TEXT_FIELDS: readonly DeviceTextField[] = ['id', ...fieldsWhere<FieldsWhere<{ named: true; kind: 'text' }>>((t) => t.named && t.kind === 'text')];

const QUERY_FIELD_SET: ReadonlySet<string> = new Set(DEVICE_QUERY_FIELDS);
const RECORD_FIELD_SET: ReadonlySet<string> = new Set(DEVICE_RECORD_FIELDS);

export function isDeviceQueryField(name: string): name is DeviceQueryField {
  return QUERY_FIELD_SET.has(name);
}

export function isDeviceRecordField(name: string): name is DeviceRecordField {
  return RECORD_FIELD_SET.has(name);
}
