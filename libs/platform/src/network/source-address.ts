/**
 * The address a per-source limit counts against, from the `ip:port` of a connection (node's `remoteAddress:port`, or
 * grpc-js's peer): IPv4 as is (an IPv4-mapped IPv6 address included), IPv6 cut to its /64 — one subscriber gets a
 * whole /64, so counting single IPv6 addresses would give an attacker 2^64 fresh sources. Written here rather than taken from a library: node:net has no prefix helper,
 * and this is the one place that needs it.
 */
export function sourceAddressOf(remoteAddress: string): string {
  const colon = remoteAddress.lastIndexOf(':');
  let ip = colon > 0 && /^\d+$/.test(remoteAddress.slice(colon + 1)) ? remoteAddress.slice(0, colon) : remoteAddress;
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const zoneless = ip.split('%')[0]!.toLowerCase();
  const [head = '', tail] = zoneless.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => (parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}
