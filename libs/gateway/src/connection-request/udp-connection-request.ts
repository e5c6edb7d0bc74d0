import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { formatUdpConnectionRequest, type UdpConnectionRequestFields } from '@acs/cwmp';

// The UDP Connection Request of TR-111 Part 2, carried into TR-069 as Annex G ("Connection Request via NAT
// Gateway"), section G.2.2.3. What this relies on, as the requirements read:
// - the datagram is an HTTP 1.1 GET without a body (Content-Length, if present, is 0);
// - the Request-URI is absolute: scheme http, authority = ManagementServer.UDPConnectionRequestAddress (or the
//   destination host:port; the port may be left out only when it is 80), empty path, and a query string
//   (application/x-www-form-urlencoded) holding
//     ts  = Unix time in seconds when the message was made,
//     id  = an unsigned integer, the same in every retransmission of one request and different between requests,
//     un  = ManagementServer.ConnectionRequestUsername,
//     cn  = a random cnonce,
//     sig = HMAC-SHA1 keyed with ConnectionRequestPassword over the concatenation ts + id + un + cn, as 40 hex
//           digits;
// - the ACS SHOULD send each request several times, since UDP may drop it and nothing answers it;
// - the CPE ignores messages it cannot authenticate, retransmissions (an id it has seen) and stale timestamps.
// Checked against the data model text of UDPConnectionRequestAddress (tr-181-2-17-0-cwmp-full.xml and
// tr-098-1-8-0-full.xml in ../shared/spec, "host:port" or "host" forms) and a quotation of the TR-111 message
// requirements (jianshu.io "TR-069 Connection Request", section 1.1 "UDP Connection Request报文格式(TR-111)"), plus
// existing CPE and ACS implementations that sign `ts id un cn` in that order with the password as HMAC key.

export interface UdpDestination {
  /** Host name or IP address, without IPv6 brackets. */
  host: string;
  port: number;
  /** The authority to put in the Request-URI: host[:port], IPv6 in brackets, port left out when it is 80. */
  authority: string;
  family: 4 | 6;
}

export class InvalidUdpAddressError extends Error {
  constructor(address: string) {
    super(`UDPConnectionRequestAddress "${address}" is not host[:port]`);
    this.name = 'InvalidUdpAddressError';
  }
}

/** Reads UDPConnectionRequestAddress ("host:port", "host" meaning port 80, "[v6]:port"). */
export function parseUdpAddress(address: string): UdpDestination {
  const trimmed = address.trim();
  let parsed: URL;
  try {
    if (trimmed === '' || /[/?#@\s]/.test(trimmed)) throw new InvalidUdpAddressError(address);
    parsed = new URL(`http://${trimmed}`);
  } catch {
    throw new InvalidUdpAddressError(address);
  }
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (host === '') throw new InvalidUdpAddressError(address);
  // URL drops the default port of http, which is exactly the "host" form's meaning.
  const port = parsed.port === '' ? 80 : Number(parsed.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new InvalidUdpAddressError(address);
  return { host, port, authority: parsed.host, family: isIP(host) === 6 ? 6 : 4 };
}

/** Fresh fields for one request; its retransmissions reuse them (same id). */
export function newUdpConnectionRequestFields(username: string, nowMs: number): UdpConnectionRequestFields {
  return {
    ts: Math.floor(nowMs / 1000),
    id: randomBytes(4).readUInt32BE(0),
    username,
    cnonce: randomBytes(8).toString('hex'),
  };
}

/** The datagram for a destination (the message itself: libs/cwmp's formatUdpConnectionRequest). */
export function buildUdpConnectionRequest(destination: UdpDestination, fields: UdpConnectionRequestFields, password: string): Buffer {
  return formatUdpConnectionRequest(destination.authority, fields, password);
}
