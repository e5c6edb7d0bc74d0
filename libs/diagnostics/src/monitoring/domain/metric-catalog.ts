import { ValidationError, type FieldViolation } from '@acs/platform';

import { dataModelRootOf, type DataModelRoot } from '../../domain/diagnostics-catalog';
import type { CounterBits } from './counter-rate';

/**
 * The metrics monitoring samples, by name, with where each is on each data model. Parameter names, types and units
 * were checked against /work/shared/spec (`tr-181-2-17-0-cwmp-full.xml`, `tr-098-1-8-0-full.xml`); each path cites
 * its line. Paths hold named instance placeholders (`{wan}`) that a device's bindings resolve (which IP interface is
 * its WAN); an unbound placeholder is instance 1, the first (and usually only) such object.
 */

export type MetricKind = 'gauge' | 'counter';

export interface MetricPath {
  /** With `{placeholder}`s for instance numbers. */
  path: string;
  /** Where the spec defines it (`file:line`). */
  source?: string;
  /** A counter's width on this model, when it differs from the metric's (TR-098's counters are all 32-bit). */
  bits?: CounterBits;
}

export interface MetricDefinition {
  /** Lower camel case words joined by dots (`wan.bytesReceived`): the same on every data model. */
  name: string;
  kind: MetricKind;
  /** A counter's width: where it wraps (2^bits). */
  bits?: CounterBits;
  /** The unit of the stored value; a counter's rate is per second of it (`bytes` → bytes/s). */
  unit: string;
  /** Multiplies the reported value into `unit` (`0.001`: the spec's dBm/1000 into dBm). */
  scale?: number;
  /** A value the spec reserves for "no value available" (4294967295 for DSL rates): dropped, never stored. */
  absent?: readonly number[];
  paths: Partial<Record<DataModelRoot, MetricPath>>;
  description?: string;
  /** Defined by an operator (a monitoring profile), not built in. */
  custom?: boolean;
}

const TR181 = 'tr-181-2-17-0-cwmp-full.xml';
const TR098 = 'tr-098-1-8-0-full.xml';
const DSL_NO_VALUE = [4_294_967_295];

/** The metric whose fall means the device rebooted (every counter restarted). */
export const UPTIME_METRIC = 'system.uptime';

const counter = (name: string, bits181: CounterBits, unit: string, p181: string, l181: number, p098: string, l098: number): MetricDefinition => ({
  name,
  kind: 'counter',
  bits: bits181,
  unit,
  paths: { Device: { path: p181, source: `${TR181}:${l181}` }, InternetGatewayDevice: { path: p098, source: `${TR098}:${l098}`, bits: 32 } },
});

const IP181 = 'Device.IP.Interface.{wan}.Stats.';
const WAN098 = 'InternetGatewayDevice.WANDevice.{wanDevice}.WANCommonInterfaceConfig.';
const WANIP098 = 'InternetGatewayDevice.WANDevice.{wanDevice}.WANConnectionDevice.{wanConnectionDevice}.WANIPConnection.{wanConnection}.Stats.';
const DSL098 = 'InternetGatewayDevice.WANDevice.{wanDevice}.WANDSLInterfaceConfig.';

export const BUILTIN_METRICS: readonly MetricDefinition[] = [
  // TR-181 Stats are StatsCounter64 (`unsignedLong`) for bytes and packets, 32-bit for errors; TR-098's all 32-bit.
  counter('wan.bytesReceived', 64, 'bytes', `${IP181}BytesReceived`, 55110, `${WAN098}TotalBytesReceived`, 8945),
  counter('wan.bytesSent', 64, 'bytes', `${IP181}BytesSent`, 55100, `${WAN098}TotalBytesSent`, 8934),
  counter('wan.packetsReceived', 64, 'packets', `${IP181}PacketsReceived`, 55129, `${WAN098}TotalPacketsReceived`, 8967),
  counter('wan.packetsSent', 64, 'packets', `${IP181}PacketsSent`, 55120, `${WAN098}TotalPacketsSent`, 8956),
  counter('wan.errorsReceived', 32, 'errors', `${IP181}ErrorsReceived`, 55149, `${WANIP098}EthernetErrorsReceived`, 14440),
  counter('wan.errorsSent', 32, 'errors', `${IP181}ErrorsSent`, 55139, `${WANIP098}EthernetErrorsSent`, 14427),
  {
    name: 'optical.rxPower',
    kind: 'gauge',
    unit: 'dBm',
    // Dbm1000: thousandths of a dBm (-12345 is -12.345 dBm).
    scale: 0.001,
    paths: { Device: { path: 'Device.Optical.Interface.{optical}.OpticalSignalLevel', source: `${TR181}:17622` } },
    description: 'received optical power; TR-098 has no optical interface',
  },
  {
    name: 'optical.txPower',
    kind: 'gauge',
    unit: 'dBm',
    scale: 0.001,
    paths: { Device: { path: 'Device.Optical.Interface.{optical}.TransmitOpticalLevel', source: `${TR181}:17695` } },
  },
  {
    name: 'wifi.associatedDevices',
    kind: 'gauge',
    unit: 'devices',
    paths: {
      Device: { path: 'Device.WiFi.AccessPoint.{accessPoint}.AssociatedDeviceNumberOfEntries', source: `${TR181}:47501` },
      InternetGatewayDevice: { path: 'InternetGatewayDevice.LANDevice.{lanDevice}.WLANConfiguration.{wlan}.TotalAssociations', source: `${TR098}:7731` },
    },
  },
  ...(
    [
      ['dsl.downstreamNoiseMargin', 'DownstreamNoiseMargin', 10705, 9296],
      ['dsl.upstreamNoiseMargin', 'UpstreamNoiseMargin', 10689, 9284],
      ['dsl.downstreamAttenuation', 'DownstreamAttenuation', 10832, 9318],
      ['dsl.upstreamAttenuation', 'UpstreamAttenuation', 10817, 9308],
    ] as const
  ).map(
    ([name, parameter, l181, l098]): MetricDefinition => ({
      name,
      kind: 'gauge',
      unit: 'dB',
      // Both models report tenths of a dB.
      scale: 0.1,
      paths: {
        Device: { path: `Device.DSL.Line.{dslLine}.${parameter}`, source: `${TR181}:${l181}` },
        InternetGatewayDevice: { path: `${DSL098}${parameter}`, source: `${TR098}:${l098}` },
      },
    }),
  ),
  ...(
    [
      ['dsl.downstreamRate', 'DownstreamCurrRate', 12376, 9240],
      ['dsl.upstreamRate', 'UpstreamCurrRate', 12360, 9224],
    ] as const
  ).map(
    ([name, parameter, l181, l098]): MetricDefinition => ({
      name,
      kind: 'gauge',
      unit: 'kbit/s',
      absent: DSL_NO_VALUE,
      paths: {
        Device: { path: `Device.DSL.Channel.{dslChannel}.${parameter}`, source: `${TR181}:${l181}` },
        InternetGatewayDevice: { path: `${DSL098}${parameter}`, source: `${TR098}:${l098}` },
      },
    }),
  ),
  {
    name: 'system.cpuUsage',
    kind: 'gauge',
    unit: 'percent',
    paths: {
      Device: { path: 'Device.DeviceInfo.ProcessStatus.CPUUsage', source: `${TR181}:6242` },
      InternetGatewayDevice: { path: 'InternetGatewayDevice.DeviceInfo.ProcessStatus.CPUUsage', source: `${TR098}:1636` },
    },
  },
  {
    name: 'system.memoryFree',
    kind: 'gauge',
    // TR-181 says KiB, TR-098 "kilobytes": the same 1024-byte unit in practice.
    unit: 'KiB',
    paths: {
      Device: { path: 'Device.DeviceInfo.MemoryStatus.Free', source: `${TR181}:6195` },
      InternetGatewayDevice: { path: 'InternetGatewayDevice.DeviceInfo.MemoryStatus.Free', source: `${TR098}:1617` },
    },
  },
  {
    name: UPTIME_METRIC,
    kind: 'gauge',
    unit: 'seconds',
    paths: {
      Device: { path: 'Device.DeviceInfo.UpTime', source: `${TR181}:3796` },
      InternetGatewayDevice: { path: 'InternetGatewayDevice.DeviceInfo.UpTime', source: `${TR098}:1424` },
    },
    description: 'also tells reboots apart from counter wraps',
  },
];

/** A counter's width on a data model (a metric named by name, with no model, takes the metric's). */
export function counterBitsOn(metric: MetricDefinition, root: DataModelRoot | undefined): CounterBits {
  return (root !== undefined ? metric.paths[root]?.bits : undefined) ?? metric.bits ?? 64;
}

/** A metric name: lower camel case words joined by dots (`wan.bytesReceived`, `custom.ponTemperature`). */
export const METRIC_NAME_PATTERN = /^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/;
export const MAX_METRIC_NAME_LENGTH = 64;
const PATH_PATTERN = /^(Device|InternetGatewayDevice)(\.([A-Za-z_][A-Za-z0-9_-]*|[0-9]+|\{[a-z][A-Za-z0-9]*\}))+$/;
const PLACEHOLDER = /\{([a-z][A-Za-z0-9]*)\}/g;

/** A path with its placeholders replaced by the device's instances (1 where it has none). */
export function resolvePath(template: string, instances: Readonly<Record<string, string>>): string {
  return template.replace(PLACEHOLDER, (_all, name: string) => instances[name] ?? '1');
}

/** What an operator writes to define a metric of their own (in a monitoring profile). */
export interface CustomMetricInput {
  name: string;
  kind: MetricKind;
  bits?: CounterBits;
  unit?: string;
  scale?: number;
  /** At least one: the parameter path on TR-181 (`Device.…`) and/or TR-098 (`InternetGatewayDevice.…`). */
  paths: Partial<Record<DataModelRoot, string>>;
}

/** The violations of custom metric definitions at `field` (`customMetrics`), against the built-in names. */
export function customMetricViolations(inputs: readonly CustomMetricInput[], field: string): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    const at = `${field}[${index}]`;
    const name = input?.name;
    if (typeof name !== 'string' || !METRIC_NAME_PATTERN.test(name) || name.length > MAX_METRIC_NAME_LENGTH) {
      violations.push({ field: `${at}.name`, description: `is lower camel case words joined by dots, at most ${MAX_METRIC_NAME_LENGTH} characters (custom.ponTemperature)`, reason: 'BAD_FORMAT' });
    } else if (BUILTIN_BY_NAME.has(name)) {
      violations.push({ field: `${at}.name`, description: `${name} is a built-in metric`, reason: 'ALREADY_EXISTS' });
    } else if (seen.has(name)) {
      violations.push({ field: `${at}.name`, description: `${name} is defined twice`, reason: 'ALREADY_EXISTS' });
    }
    if (typeof name === 'string') seen.add(name);
    if (input?.kind !== 'gauge' && input?.kind !== 'counter') violations.push({ field: `${at}.kind`, description: 'is gauge or counter', reason: 'BAD_FORMAT' });
    if (input?.kind === 'counter' && input.bits !== 32 && input.bits !== 64) violations.push({ field: `${at}.bits`, description: "is a counter's width: 32 or 64", reason: 'BAD_FORMAT' });
    if (input?.kind === 'gauge' && input.bits !== undefined) violations.push({ field: `${at}.bits`, description: 'only a counter has a width', reason: 'BAD_FORMAT' });
    if (input?.unit !== undefined && (typeof input.unit !== 'string' || input.unit.length > 32)) violations.push({ field: `${at}.unit`, description: 'is text of at most 32 characters', reason: 'BAD_FORMAT' });
    if (input?.scale !== undefined && !(typeof input.scale === 'number' && Number.isFinite(input.scale) && input.scale !== 0)) {
      violations.push({ field: `${at}.scale`, description: 'is a finite non-zero number', reason: 'BAD_FORMAT' });
    }
    const paths = Object.entries(input?.paths ?? {});
    if (paths.length === 0) violations.push({ field: `${at}.paths`, description: 'names the parameter on Device and/or InternetGatewayDevice', reason: 'REQUIRED' });
    for (const [root, path] of paths) {
      if (root !== 'Device' && root !== 'InternetGatewayDevice') violations.push({ field: `${at}.paths.${root}`, description: 'is Device or InternetGatewayDevice', reason: 'BAD_FORMAT' });
      else if (typeof path !== 'string' || !PATH_PATTERN.test(path) || dataModelRootOf(path) !== root || path.length > 256) {
        violations.push({ field: `${at}.paths.${root}`, description: `is a parameter path under ${root}. (instance numbers or {placeholder}s)`, reason: 'BAD_FORMAT' });
      }
    }
  });
  return violations;
}

/** A custom metric as the catalog holds it (checked first with customMetricViolations). */
export function customMetricDefinition(input: CustomMetricInput): MetricDefinition {
  const paths: MetricDefinition['paths'] = {};
  for (const [root, path] of Object.entries(input.paths) as Array<[DataModelRoot, string]>) paths[root] = { path };
  return {
    name: input.name,
    kind: input.kind,
    ...(input.kind === 'counter' ? { bits: input.bits ?? 64 } : {}),
    unit: input.unit ?? '',
    ...(input.scale !== undefined ? { scale: input.scale } : {}),
    paths,
    custom: true,
  };
}

const BUILTIN_BY_NAME: ReadonlyMap<string, MetricDefinition> = new Map(BUILTIN_METRICS.map((metric) => [metric.name, metric]));

/**
 * The metrics known to the service: built-in ones and those operators defined in monitoring profiles. Maps a device's
 * parameter paths to metrics, given its data model and instance bindings.
 */
export class MetricCatalog {
  private readonly byName: ReadonlyMap<string, MetricDefinition>;
  private readonly byPath = new Map<string, ReadonlyMap<string, MetricDefinition>>();

  constructor(custom: readonly MetricDefinition[] = []) {
    const byName = new Map(BUILTIN_BY_NAME);
    for (const metric of custom) if (!byName.has(metric.name)) byName.set(metric.name, metric);
    this.byName = byName;
  }

  get(name: string): MetricDefinition | undefined {
    return this.byName.get(name);
  }

  all(): MetricDefinition[] {
    return [...this.byName.values()];
  }

  /** The metric a parameter path is, on a device with these instance bindings; undefined for any other path. */
  metricOfPath(path: string, instances: Readonly<Record<string, string>>): MetricDefinition | undefined {
    const root = dataModelRootOf(path);
    if (root === undefined) return undefined;
    return this.pathsOn(root, instances).get(path);
  }

  /** The resolved path of every metric on a data model (what a scheduled read asks for). */
  pathsOn(root: DataModelRoot, instances: Readonly<Record<string, string>>): ReadonlyMap<string, MetricDefinition> {
    const key = `${root}\u0000${JSON.stringify(Object.entries(instances).sort())}`;
    let map = this.byPath.get(key);
    if (map === undefined) {
      const built = new Map<string, MetricDefinition>();
      for (const metric of this.byName.values()) {
        const template = metric.paths[root];
        if (template) built.set(resolvePath(template.path, instances), metric);
      }
      // Devices share a handful of bindings (most have none): the bound only guards against hostile variety.
      if (this.byPath.size > 1_000) this.byPath.clear();
      this.byPath.set(key, built);
      map = built;
    }
    return map;
  }
}

/** Throws a ValidationError for custom metric definitions that do not hold. */
export function checkCustomMetrics(inputs: readonly CustomMetricInput[], field = 'customMetrics'): void {
  const violations = customMetricViolations(inputs, field);
  if (violations.length > 0) throw new ValidationError(`invalid custom metrics: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
}
