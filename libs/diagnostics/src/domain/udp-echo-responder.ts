import { ValidationError, type FieldViolation } from '@acs/platform';

import type { DataModelRoot } from './diagnostics-catalog';
import type { DiagnosticsSetValue } from './diagnostics-request';
import type { ReadValue, ReadValues } from './diagnostics-values';

/**
 * UDPEchoConfig: the CPE's UDP echo responder (TR-143 §A.1 "UDP Echo", TR-181 `Device.IP.Diagnostics.UDPEchoConfig.`
 * at tr-181-2-17-0-cwmp-full.xml:58317, TR-098 `InternetGatewayDevice.UDPEchoConfig.` at tr-098-1-8-0-full.xml:20055).
 * Not a test the CPE runs but one it answers: a test server elsewhere sends UDP packets to the CPE, which echoes them
 * (with TR-143's UDPEchoPlus fields when enabled) and counts them. It has no DiagnosticsState, so it is configured and
 * read like any settings, not run.
 */
export function udpEchoResponderPath(root: DataModelRoot): string {
  return root === 'Device' ? 'Device.IP.Diagnostics.UDPEchoConfig.' : 'InternetGatewayDevice.UDPEchoConfig.';
}

/** What an operator may change; absent fields stay as the CPE has them. */
export interface UdpEchoResponderSettings {
  enabled?: boolean;
  /** A path of the interface to listen on (`Device.IP.Interface.2`), '' for the CPE's choice. */
  interface?: string;
  /** Only packets from this address are answered (the test server's), '' for any. */
  sourceIpAddress?: string;
  udpPort?: number;
  echoPlusEnabled?: boolean;
}

/** The responder as the CPE reports it: its settings and what it answered since it was enabled. */
export interface UdpEchoResponder {
  enabled?: boolean;
  interface?: string;
  sourceIpAddress?: string;
  udpPort?: number;
  echoPlusEnabled?: boolean;
  echoPlusSupported?: boolean;
  packetsReceived?: number;
  packetsResponded?: number;
  bytesReceived?: number;
  bytesResponded?: number;
  /** As the CPE sent them (TR-143 gives microseconds); absent for the unknown time. */
  timeFirstPacketReceived?: string;
  timeLastPacketReceived?: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/** One setting of a change, by its name in UDPEchoConfig (the same on both models). */
export interface UdpEchoResponderChange {
  name: 'Interface' | 'SourceIPAddress' | 'UDPPort' | 'EchoPlusEnabled' | 'Enable';
  value: string | number | boolean;
  type: DiagnosticsSetValue['type'];
}

/**
 * The settings of a change, checked (every bad one reported at once, `responder.<field>`) before any device is looked
 * up, in write order: enabling last, so a CPE that applies values in order starts answering with the new port and
 * source.
 */
export function udpEchoResponderChanges(settings: UdpEchoResponderSettings): UdpEchoResponderChange[] {
  const violations: FieldViolation[] = [];
  const changes: UdpEchoResponderChange[] = [];
  if (settings.interface !== undefined) {
    if (settings.interface.length > 256) violations.push({ field: 'responder.interface', description: 'at most 256 characters', reason: 'OUT_OF_RANGE' });
    changes.push({ name: 'Interface', value: settings.interface, type: 'string' });
  }
  if (settings.sourceIpAddress !== undefined) {
    const address = settings.sourceIpAddress.trim();
    if (address !== '' && !IPV4.test(address) && !(address.includes(':') && IPV6.test(address))) {
      violations.push({ field: 'responder.source_ip_address', description: `${JSON.stringify(settings.sourceIpAddress)} is not an IPv4 or IPv6 address`, reason: 'BAD_FORMAT' });
    }
    changes.push({ name: 'SourceIPAddress', value: address, type: 'string' });
  }
  if (settings.udpPort !== undefined) {
    if (!Number.isInteger(settings.udpPort) || settings.udpPort < 1 || settings.udpPort > 65535) {
      violations.push({ field: 'responder.udp_port', description: `a UDP port, 1 to 65535 (got ${settings.udpPort})`, reason: 'OUT_OF_RANGE' });
    }
    changes.push({ name: 'UDPPort', value: settings.udpPort, type: 'unsignedInt' });
  }
  if (settings.echoPlusEnabled !== undefined) changes.push({ name: 'EchoPlusEnabled', value: settings.echoPlusEnabled, type: 'boolean' });
  if (settings.enabled !== undefined) changes.push({ name: 'Enable', value: settings.enabled, type: 'boolean' });
  if (changes.length === 0) violations.push({ field: 'responder', description: 'nothing to change: give at least one setting', reason: 'REQUIRED' });
  if (violations.length > 0) throw new ValidationError(`invalid UDP echo responder settings: ${violations.map((v) => `${v.field}: ${v.description}`).join('; ')}`, violations);
  return changes;
}

/** The SetParameterValues of checked changes on the device's model. */
export function udpEchoResponderValues(root: DataModelRoot, changes: readonly UdpEchoResponderChange[]): DiagnosticsSetValue[] {
  const path = udpEchoResponderPath(root);
  return changes.map((change) => ({ path: `${path}${change.name}`, value: change.value, type: change.type }));
}

/** The responder read from a GetParameterValues of its object; sloppy values are absent, not zero. */
export function parseUdpEchoResponder(root: DataModelRoot, read: ReadValues): UdpEchoResponder {
  const path = udpEchoResponderPath(root);
  const text = (name: string): string | undefined => {
    const value = plain(read[`${path}${name}`]);
    return value === undefined ? undefined : String(value);
  };
  const bool = (name: string): boolean | undefined => {
    const value = text(name)?.trim().toLowerCase();
    return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : undefined;
  };
  const count = (name: string): number | undefined => {
    const value = text(name)?.trim();
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const time = (name: string): string | undefined => {
    const value = text(name)?.trim();
    return value && !value.startsWith('0001-01-01') ? value : undefined;
  };
  const responder: UdpEchoResponder = {
    enabled: bool('Enable'),
    interface: text('Interface'),
    sourceIpAddress: text('SourceIPAddress'),
    udpPort: count('UDPPort'),
    echoPlusEnabled: bool('EchoPlusEnabled'),
    echoPlusSupported: bool('EchoPlusSupported'),
    packetsReceived: count('PacketsReceived'),
    packetsResponded: count('PacketsResponded'),
    bytesReceived: count('BytesReceived'),
    bytesResponded: count('BytesResponded'),
    timeFirstPacketReceived: time('TimeFirstPacketReceived'),
    timeLastPacketReceived: time('TimeLastPacketReceived'),
  };
  return Object.fromEntries(Object.entries(responder).filter(([, value]) => value !== undefined)) as UdpEchoResponder;
}

function plain(value: ReadValue): string | number | boolean | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return (value as { value?: string | number | boolean }).value;
  return value;
}
