import { createHmac, timingSafeEqual } from 'node:crypto';

// The message of a UDP Connection Request (TR-111 Part 2, carried into TR-069 as Annex G, section G.2.2.3), shared
// by the ACS (which sends it) and the simulated CPE (which checks it):
//   GET http://<authority>?ts=<unix seconds>&id=<unsigned>&un=<username>&cn=<cnonce>&sig=<40 hex> HTTP/1.1
// with no body (Content-Length, if present, 0). sig = HMAC-SHA1 keyed with ConnectionRequestPassword over the
// concatenation ts + id + un + cn as they appear in the message. Retransmissions repeat the same id; a CPE ignores
// messages it cannot authenticate, ids it has seen and stale timestamps (that policy is the receiver's).

/** The signed fields. A receiver keeps ts and id as the text it read: the signature covers the text. */
export interface UdpConnectionRequestFields {
  ts: number | string;
  id: number | string;
  username: string;
  cnonce: string;
}

/** HMAC-SHA1(key = password, text = ts + id + un + cn), lower-case hex. */
export function udpConnectionRequestSignature(fields: UdpConnectionRequestFields, password: string): string {
  return createHmac('sha1', password).update(`${fields.ts}${fields.id}${fields.username}${fields.cnonce}`, 'utf8').digest('hex');
}

/** Whether `sig` (hex, any case) signs `fields` with `password`; compared in constant time. */
export function udpConnectionRequestSignatureMatches(fields: UdpConnectionRequestFields, password: string, sig: string): boolean {
  const expected = Buffer.from(udpConnectionRequestSignature(fields, password));
  const given = Buffer.from(sig.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The datagram: request line with the absolute URI (empty path), Host, zero Content-Length, blank line. */
export function formatUdpConnectionRequest(authority: string, fields: UdpConnectionRequestFields, password: string): Buffer {
  const sig = udpConnectionRequestSignature(fields, password);
  const query =
    `ts=${fields.ts}&id=${fields.id}&un=${encodeURIComponent(fields.username)}` + `&cn=${encodeURIComponent(fields.cnonce)}&sig=${sig}`;
  return Buffer.from(`GET http://${authority}?${query} HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 0\r\n\r\n`, 'utf8');
}

export interface ParsedUdpConnectionRequest {
  fields: { ts: string; id: string; username: string; cnonce: string };
  sig: string;
}

/**
 * Reads a datagram: `GET http://host[:port]?ts=…&id=…&un=…&cn=…&sig=… HTTP/1.1`, absolute URI with an empty path;
 * headers are tolerated, a body is not. undefined when it is not such a message.
 */
export function parseUdpConnectionRequest(text: string): ParsedUdpConnectionRequest | undefined {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  if (body.length > 0) return undefined;
  const lines = head.split(/\r?\n/);
  const line = /^GET (\S+) HTTP\/1\.1$/.exec(lines[0] ?? '');
  if (!line) return undefined;
  for (const header of lines.slice(1)) {
    const length = /^content-length:\s*(\d+)\s*$/i.exec(header);
    if (length && Number(length[1]) !== 0) return undefined;
  }
  const uri = /^http:\/\/[^/?#]+\?([^#]*)$/i.exec(line[1]!);
  if (!uri) return undefined;
  const query = new URLSearchParams(uri[1]);
  const [ts, id, username, cnonce, sig] = ['ts', 'id', 'un', 'cn', 'sig'].map((name) => query.get(name));
  if (ts == null || id == null || username == null || cnonce == null || sig == null) return undefined;
  if (!/^\d{1,12}$/.test(ts) || !/^\d{1,20}$/.test(id) || !/^[0-9a-fA-F]{40}$/.test(sig)) return undefined;
  return { fields: { ts, id, username, cnonce }, sig };
}
