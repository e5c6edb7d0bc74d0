import type { RootObject, XsdType } from '@acs/cwmp';

// The protocol names the data models; the domain speaks of them by the same type.
export type { RootObject };

/** What the ACS knows of one parameter or object of a device's data model. */
export interface ParameterNode {
  /** Value (parameters only); typed as CwmpValue.value is. */
  value?: string | number | boolean;
  type?: XsdType;
  writable?: boolean;
  /** An object (path ends with '.' in CWMP; stored without the trailing dot). */
  object?: boolean;
  /** Epoch ms the ACS learned this node (value, or existence for objects). */
  learnedAt: number;
}

/** A change to the known parameter tree, from an Inform, a GPV/GPN result or a VALUE CHANGE. */
export interface ParameterUpdate {
  /** Full path without a trailing dot, e.g. `Device.DeviceInfo.SoftwareVersion` or `Device.IP.Interface.1`. */
  path: string;
  value?: string | number | boolean;
  type?: XsdType;
  writable?: boolean;
  object?: boolean;
}

/** A device in the inventory. `parameters` is keyed by full path (no trailing dot). */
export interface DeviceRecord {
  /** `OUI-ProductClass-SerialNumber`, escaped as deviceIdOf does. */
  id: string;
  oui: string;
  productClass: string;
  serialNumber: string;
  manufacturer: string;
  rootObject: RootObject;
  softwareVersion?: string;
  hardwareVersion?: string;
  /** The CPE's WAN address as last reported (ConnectionRequestURL host, or the connection's source). */
  ip?: string;
  connectionRequestUrl?: string;
  /** TR-111: `host:port` for UDP connection requests, when the CPE reports one. */
  udpConnectionRequestAddress?: string;
  /** Credentials the ACS set on the device for connection requests (ManagementServer.ConnectionRequestUsername/Password). */
  connectionRequestUsername?: string;
  connectionRequestPassword?: string;
  registeredAt: number;
  lastInform?: number;
  lastBoot?: number;
  lastBootstrap?: number;
  /**
   * ManagementServer.PeriodicInformInterval as last learned (Inform, GetParameterValues, SetParameterValues), seconds:
   * kept beside the tree so presence (device-presence.ts) needs no tree read.
   */
  periodicInformInterval?: number;
  /** The latest Informs' event codes, newest first, at most RECENT_EVENTS_KEPT. */
  recentEvents: Array<{ at: number; codes: string[] }>;
  tags: string[];
  parameters: Record<string, ParameterNode>;
}

/**
 * A device record without its parameter tree: what an Inform's write returns. The tree (thousands of nodes on a
 * device whose data model was read) is read only by the steps that need it, not on every periodic Inform.
 */
export type DeviceSummary = Omit<DeviceRecord, 'parameters'>;

/** How many of the latest Informs a device record shows in recentEvents. */
export const RECENT_EVENTS_KEPT = 20;

/** Inform-derived fields of a device, applied by the inventory on every Inform. */
export interface InformFacts {
  id: string;
  oui: string;
  productClass: string;
  serialNumber: string;
  manufacturer: string;
  rootObject: RootObject;
  at: number;
  eventCodes: string[];
  remoteAddress?: string;
  parameters: ParameterUpdate[];
}
