import type { CwmpVersion } from './messages';

/** Every protocol version this codec reads and writes, oldest first. */
export const SUPPORTED_VERSIONS: readonly CwmpVersion[] = ['1.0', '1.1', '1.2', '1.3', '1.4'];

/**
 * The cwmp namespace each version's envelopes carry on the wire. CWMP 1.3 and 1.4 did not get namespaces of their
 * own: cwmp-1-3.xsd and cwmp-1-4.xsd both declare targetNamespace `urn:dslforum-org:cwmp-1-2` and "extend namespace
 * v1.2"; the protocol version beyond 1.2 is negotiated with the SupportedCWMPVersions / UseCWMPVersion headers.
 */
export const CWMP_NAMESPACES: Readonly<Record<CwmpVersion, string>> = {
  '1.0': 'urn:dslforum-org:cwmp-1-0',
  '1.1': 'urn:dslforum-org:cwmp-1-1',
  '1.2': 'urn:dslforum-org:cwmp-1-2',
  '1.3': 'urn:dslforum-org:cwmp-1-2',
  '1.4': 'urn:dslforum-org:cwmp-1-2',
};

/** The prefix every cwmp namespace starts with: a namespace with it that we do not know is a 'bad-namespace'. */
export const CWMP_NAMESPACE_PREFIX = 'urn:dslforum-org:cwmp-';

// The -1-3 and -1-4 URNs are not in any schema, but some CPEs (and GenieACS for 1.4) send them: read them anyway.
const NAMESPACE_VERSIONS: ReadonlyMap<string, CwmpVersion> = new Map([
  ['urn:dslforum-org:cwmp-1-0', '1.0'],
  ['urn:dslforum-org:cwmp-1-1', '1.1'],
  ['urn:dslforum-org:cwmp-1-2', '1.2'],
  ['urn:dslforum-org:cwmp-1-3', '1.3'],
  ['urn:dslforum-org:cwmp-1-4', '1.4'],
]);

export function versionFromNamespace(namespace: string): CwmpVersion | null {
  return NAMESPACE_VERSIONS.get(namespace.trim()) ?? null;
}

export function isCwmpVersion(text: string): text is CwmpVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(text);
}

function rank(v: CwmpVersion): number {
  return SUPPORTED_VERSIONS.indexOf(v);
}

/** Parses a SupportedCWMPVersions header ("1.0,1.1,1.2,1.3,1.4"); tolerant of spaces, ignores unknown tokens. */
export function parseSupportedVersions(header: string | undefined): CwmpVersion[] {
  if (!header) return [];
  const versions: CwmpVersion[] = [];
  for (const token of header.split(',')) {
    const v = token.trim();
    if (isCwmpVersion(v) && !versions.includes(v)) versions.push(v);
  }
  return versions;
}

/**
 * The version an ACS uses for a session (TR-069 Amendment 5/6, A.3.2 / A.3.3.1):
 * - the CPE sent SupportedCWMPVersions: the highest version both sides support (null when they share none);
 * - it did not (a CPE older than 1.4), or the header lists nothing we recognise: the version its envelope's
 *   namespace names, if we support it.
 * null means "no common version": the gateway answers fault 8006.
 */
export function negotiateVersion(
  cpeSupported: string | undefined,
  envelopeVersion: CwmpVersion,
  acsSupported: readonly CwmpVersion[],
): CwmpVersion | null {
  const offered = parseSupportedVersions(cpeSupported);
  if (offered.length === 0) return acsSupported.includes(envelopeVersion) ? envelopeVersion : null;
  let best: CwmpVersion | null = null;
  for (const v of offered) {
    if (acsSupported.includes(v) && (best === null || rank(v) > rank(best))) best = v;
  }
  return best;
}

/** SessionTimeout is defined from cwmp-1-3.xsd on. */
export function definesSessionTimeout(version: CwmpVersion): boolean {
  return rank(version) >= rank('1.3');
}

/** SupportedCWMPVersions and UseCWMPVersion are defined by cwmp-1-4.xsd. */
export function definesVersionNegotiation(version: CwmpVersion): boolean {
  return version === '1.4';
}

/** NoMoreRequests was dropped after TR-069 Issue 1 (CWMP 1.0); no schema defines it. */
export function definesNoMoreRequests(version: CwmpVersion): boolean {
  return version === '1.0';
}
