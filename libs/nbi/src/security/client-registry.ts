import type { PeerCertificate } from 'node:tls';

import { parse as parseYaml } from 'yaml';

import { isSha256Hex } from './api-token';
import {
  ACTIONS,
  BUILT_IN_ROLES,
  DEVICE_SCOPED_RESOURCES,
  isAction,
  isResourceType,
  mergePermissions,
  RESOURCE_TYPES,
  type Action,
  type Permissions,
  type ResourceType,
} from './permissions';

/** How a client proved who it is on a call. */
export type AuthenticationMethod = 'token' | 'certificate';

/** A client's own token bucket; a missing field takes the process default (ACS_NBI_RATE_LIMIT_*). */
export interface ClientRateLimit {
  perSecond?: number;
  burst?: number;
}

/**
 * A client certificate subject a client is known by: attribute → value, e.g. `{ CN: 'oss.example.net', O: 'Example' }`.
 * A certificate matches when it carries every listed attribute with that value (other attributes are ignored), so
 * `CN=oss.example.net` alone is the usual entry and `CN=…,O=…` pins the organisation too.
 */
export type CertificateSubject = ReadonlyMap<string, string>;

export interface NbiClient {
  name: string;
  roles: readonly string[];
  /** The union of the client's roles. */
  permissions: Permissions;
  /**
   * Resources the client reaches only through roles scoped to device groups → those groups (ids or names): its calls
   * on them see only the groups' members (security/device-scope.ts). A resource some unscoped role of the client
   * grants is not here: that role lifts the scope.
   */
  deviceScopes: ReadonlyMap<ResourceType, readonly string[]>;
  certificateSubjects: readonly CertificateSubject[];
  rateLimit?: ClientRateLimit;
}

/** One API token of a client, as the clients file lists it (by digest). */
export interface ApiTokenEntry {
  client: NbiClient;
  /** The SHA-256 the file lists (not secret: it cannot be turned back into the token). */
  sha256: string;
  /** The file's `label`, for people (and the logs). */
  label?: string;
  /** Epoch ms from which the token is refused; absent = it does not expire. */
  expiresAt?: number;
}

/** The client file cannot be used; `problems` lists every one found, each with its place in the file. */
export class ClientRegistryError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join('\n  ')}`}`);
    this.name = 'ClientRegistryError';
  }
}

export type CertificateMatch = { kind: 'client'; client: NbiClient } | { kind: 'none' } | { kind: 'ambiguous'; clients: string[] };

/** The API's clients, their roles and credentials, as loaded from the client file. Immutable: a reload builds a new one. */
export class ClientRegistry {
  /**
   * Token digests → client. A token is 256 random bits, so looking its digest up in a Map is safe: timing can at
   * most reveal something about the digest, and a digest does not help anyone forge a token (that needs a SHA-256
   * preimage). A constant-time comparison would only matter for secrets that are compared, not hashed first.
   */
  private readonly byToken: ReadonlyMap<string, ApiTokenEntry>;
  private readonly byName: ReadonlyMap<string, NbiClient>;

  constructor(
    readonly clients: readonly NbiClient[],
    tokenDigests: ReadonlyMap<string, ApiTokenEntry>,
  ) {
    this.byToken = tokenDigests;
    this.byName = new Map(clients.map((client) => [client.name, client]));
  }

  static empty(): ClientRegistry {
    return new ClientRegistry([], new Map());
  }

  client(name: string): NbiClient | undefined {
    return this.byName.get(name);
  }

  /** The client a token digest belongs to, whether or not that token has expired (see `token`). */
  byTokenDigest(sha256: string): NbiClient | undefined {
    return this.byToken.get(sha256)?.client;
  }

  /** The token listed under a digest: its client, label and expiry. */
  token(sha256: string): ApiTokenEntry | undefined {
    return this.byToken.get(sha256);
  }

  /** Every token listed, for the expiry gauge and the load-time warnings. */
  tokens(): IterableIterator<ApiTokenEntry> {
    return this.byToken.values();
  }

  /**
   * The client a verified certificate belongs to. A scan over the clients rather than an index: a registry holds
   * tens of clients, and subset matching (CN alone, or CN and O…) does not key well.
   */
  byCertificate(certificate: Pick<PeerCertificate, 'subject'>): CertificateMatch {
    const subject = normalizeCertificateSubject(certificate.subject);
    const matches = this.clients.filter((client) => client.certificateSubjects.some((wanted) => subjectMatches(wanted, subject)));
    if (matches.length === 0) return { kind: 'none' };
    if (matches.length > 1) return { kind: 'ambiguous', clients: matches.map((client) => client.name) };
    return { kind: 'client', client: matches[0] };
  }
}

/** A role as the file defines it: what it grants and, for a role scoped to device groups, which groups. */
export interface RoleDefinition {
  permissions: Permissions;
  /** Group ids or names; absent: the role is not scoped. */
  groups?: readonly string[];
}

/** Something whose current registry the interceptor reads on every call (a file that reloads, or a fixed one). */
export interface ClientRegistryProvider {
  readonly current: ClientRegistry;
}

const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const SUBJECT_ATTRIBUTE = /^[A-Za-z][A-Za-z0-9.]*$/;
const TOP_KEYS = ['roles', 'clients'];
/** A role's key for its device-group scope (`groups` itself is a resource type a role may grant). */
const SCOPE_KEY = 'scope';
const SCOPE_KEYS = ['groups'];
const MAX_SCOPE_GROUPS = 100;
const CLIENT_KEYS = ['name', 'roles', 'tokens', 'certificateSubjects', 'rateLimit'];
const TOKEN_KEYS = ['sha256', 'label', 'expires'];
const RATE_KEYS = ['perSecond', 'burst'];

/**
 * Reads a client file (YAML; format in docs/nbi-security.md). Every problem is collected before failing, so one
 * edit fixes a file. Unknown keys are errors: a misspelt `token:` silently ignored would lock a client out, or a
 * misspelt `roles:` would leave one without the rights its owner thinks it has.
 */
export function parseClientRegistry(text: string, source: string): ClientRegistry {
  let document: unknown;
  try {
    document = parseYaml(text, { uniqueKeys: true, prettyErrors: false, maxAliasCount: 50 });
  } catch (error) {
    throw new ClientRegistryError(source, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  const problems: string[] = [];
  const registry = readRegistry(document ?? {}, problems);
  if (problems.length > 0) throw new ClientRegistryError(source, problems);
  return registry;
}

function readRegistry(document: unknown, problems: string[]): ClientRegistry {
  if (!isRecord(document)) {
    problems.push('the file must be a map with `clients:` (and optionally `roles:`)');
    return ClientRegistry.empty();
  }
  unknownKeys(document, TOP_KEYS, '', problems);
  const roles = readRoles(document.roles, problems);

  const clients: NbiClient[] = [];
  const tokenOwners = new Map<string, ApiTokenEntry>();
  const subjectOwners = new Map<string, string>();
  const rawClients = document.clients ?? [];
  if (!Array.isArray(rawClients)) {
    problems.push('clients: must be a list');
    return ClientRegistry.empty();
  }
  for (const [i, raw] of rawClients.entries()) {
    const at = `clients[${i}]`;
    if (!isRecord(raw)) {
      problems.push(`${at}: must be a map with name, roles and tokens and/or certificateSubjects`);
      continue;
    }
    unknownKeys(raw, CLIENT_KEYS, at, problems);
    const name = typeof raw.name === 'string' ? raw.name : '';
    if (!CLIENT_NAME.test(name)) {
      problems.push(`${at}.name: required; letters, digits and . _ @ - (up to 128), got ${JSON.stringify(raw.name ?? null)}`);
    } else if (clients.some((client) => client.name === name)) {
      problems.push(`${at}.name: "${name}" is used by another client`);
    }
    const label = name ? `${at} (${name})` : at;

    const clientRoles: string[] = [];
    if (!Array.isArray(raw.roles) || raw.roles.length === 0) {
      problems.push(`${label}.roles: a list of at least one role (${[...roles.keys()].join(', ')})`);
    } else {
      for (const [j, role] of raw.roles.entries()) {
        if (typeof role === 'string' && roles.has(role)) clientRoles.push(role);
        else problems.push(`${label}.roles[${j}]: unknown role ${JSON.stringify(role)} (known: ${[...roles.keys()].join(', ')})`);
      }
    }

    const certificateSubjects: CertificateSubject[] = [];
    const client: NbiClient = {
      name,
      roles: clientRoles,
      permissions: mergePermissions(clientRoles.map((role) => roles.get(role)!.permissions)),
      deviceScopes: deviceScopesOf(clientRoles.map((role) => roles.get(role)!)),
      certificateSubjects,
    };

    const tokens = raw.tokens ?? [];
    if (!Array.isArray(tokens)) problems.push(`${label}.tokens: must be a list of { sha256: <hex digest> }`);
    else {
      for (const [j, token] of tokens.entries()) {
        const where = `${label}.tokens[${j}]`;
        if (!isRecord(token)) {
          problems.push(`${where}: must be a map { sha256: <hex digest> } (the token itself is never stored)`);
          continue;
        }
        unknownKeys(token, TOKEN_KEYS, where, problems);
        if (token.label !== undefined && typeof token.label !== 'string') problems.push(`${where}.label: must be text`);
        const digest = typeof token.sha256 === 'string' ? token.sha256.toLowerCase() : '';
        if (!isSha256Hex(digest)) {
          problems.push(`${where}.sha256: must be the SHA-256 of the token, 64 hex digits (\`printf %s "$TOKEN" | sha256sum\` prints it)`);
          continue;
        }
        const expiresAt = readExpiry(token.expires, `${where}.expires`, problems);
        const owner = tokenOwners.get(digest)?.client;
        if (owner) problems.push(`${where}.sha256: the same token is already listed${owner === client ? ' for this client' : ` for client "${owner.name}"`}`);
        else {
          tokenOwners.set(digest, {
            client,
            sha256: digest,
            ...(typeof token.label === 'string' ? { label: token.label } : {}),
            ...(expiresAt !== undefined ? { expiresAt } : {}),
          });
        }
      }
    }

    const subjects = raw.certificateSubjects ?? [];
    if (!Array.isArray(subjects)) problems.push(`${label}.certificateSubjects: must be a list such as ['CN=oss.example.net']`);
    else {
      for (const [j, subject] of subjects.entries()) {
        const where = `${label}.certificateSubjects[${j}]`;
        const parsed = typeof subject === 'string' ? parseCertificateSubject(subject) : undefined;
        if (!parsed) {
          problems.push(`${where}: must be a subject such as "CN=oss.example.net" or "CN=oss.example.net,O=Example", got ${JSON.stringify(subject)}`);
          continue;
        }
        const key = subjectKey(parsed);
        const owner = subjectOwners.get(key);
        if (owner !== undefined) problems.push(`${where}: the subject ${key} is already listed for client "${owner}"`);
        else subjectOwners.set(key, name);
        certificateSubjects.push(parsed);
      }
    }

    const rateLimit = readRateLimit(raw.rateLimit, `${label}.rateLimit`, problems);
    if (rateLimit) client.rateLimit = rateLimit;
    clients.push(client);
  }
  return new ClientRegistry(clients, tokenOwners);
}

function readRoles(raw: unknown, problems: string[]): Map<string, RoleDefinition> {
  const roles = new Map<string, RoleDefinition>([...BUILT_IN_ROLES].map(([name, permissions]) => [name, { permissions }]));
  if (raw === undefined || raw === null) return roles;
  if (!isRecord(raw)) {
    problems.push('roles: must be a map of role name → { <resource type>: [<actions>] }');
    return roles;
  }
  for (const [name, grants] of Object.entries(raw)) {
    const at = `roles.${name}`;
    if (BUILT_IN_ROLES.has(name)) {
      problems.push(`${at}: "${name}" is a built-in role and cannot be redefined; choose another name`);
      continue;
    }
    if (!ROLE_NAME.test(name)) {
      problems.push(`${at}: role names are lower-case letters, digits, _ and - and start with a letter`);
      continue;
    }
    if (!isRecord(grants)) {
      problems.push(`${at}: must be a map { <resource type>: [<actions>] }, e.g. { devices: [view], tasks: [view, add] }`);
      continue;
    }
    const permissions = new Map<ResourceType, Set<Action>>();
    for (const [resource, actions] of Object.entries(grants)) {
      if (resource === SCOPE_KEY) continue;
      const where = `${at}.${resource}`;
      const resources: ResourceType[] = resource === '*' ? [...RESOURCE_TYPES] : isResourceType(resource) ? [resource] : [];
      if (resources.length === 0) {
        problems.push(`${where}: unknown resource type (known: ${RESOURCE_TYPES.join(', ')}, or '*' for all; '${SCOPE_KEY}' for device groups)`);
        continue;
      }
      if (!Array.isArray(actions)) {
        problems.push(`${where}: must be a list of actions (${ACTIONS.join(', ')}, or '*')`);
        continue;
      }
      const granted: Action[] = [];
      for (const action of actions) {
        if (action === '*') granted.push(...ACTIONS);
        else if (typeof action === 'string' && isAction(action)) granted.push(action);
        else problems.push(`${where}: unknown action ${JSON.stringify(action)} (known: ${ACTIONS.join(', ')}, or '*')`);
      }
      for (const type of resources) {
        const set = permissions.get(type) ?? new Set<Action>();
        for (const action of granted) set.add(action);
        permissions.set(type, set);
      }
    }
    const groups = readScope(grants[SCOPE_KEY], `${at}.${SCOPE_KEY}`, problems);
    if (groups) {
      // '*' grants every resource, the fleet-wide ones too: a scoped role names what it grants.
      const fleetWide = [...permissions.keys()].filter((resource) => !DEVICE_SCOPED_RESOURCES.includes(resource));
      if (fleetWide.length > 0) {
        problems.push(
          `${at}: a role scoped to device groups grants only ${DEVICE_SCOPED_RESOURCES.join(', ')}; ${fleetWide.join(', ')} act on the whole fleet (grant them in an unscoped role of the client)`,
        );
      }
    }
    roles.set(name, { permissions, ...(groups ? { groups } : {}) });
  }
  return roles;
}

/** A role's `scope: { groups: [<group id or name>, …] }`; undefined when the role has none. */
function readScope(raw: unknown, at: string, problems: string[]): string[] | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) {
    problems.push(`${at}: must be a map { groups: [<group id or name>, …] }`);
    return undefined;
  }
  unknownKeys(raw, SCOPE_KEYS, at, problems);
  const groups = raw.groups;
  if (!Array.isArray(groups) || groups.length === 0 || groups.length > MAX_SCOPE_GROUPS) {
    problems.push(`${at}.groups: a list of 1 to ${MAX_SCOPE_GROUPS} group ids or names`);
    return undefined;
  }
  const bad = groups.findIndex((group) => typeof group !== 'string' || group.trim() === '' || group.length > 128);
  if (bad !== -1) {
    problems.push(`${at}.groups[${bad}]: a group id or name, got ${JSON.stringify(groups[bad])}`);
    return undefined;
  }
  return [...new Set(groups as string[])];
}

/**
 * Per resource, the groups a client is held to: a resource granted only by scoped roles is scoped to the union of
 * their groups; one that any unscoped role grants is not scoped at all.
 */
export function deviceScopesOf(roles: readonly RoleDefinition[]): Map<ResourceType, readonly string[]> {
  const scopes = new Map<ResourceType, readonly string[]>();
  for (const resource of RESOURCE_TYPES) {
    const granting = roles.filter((role) => (role.permissions.get(resource)?.size ?? 0) > 0);
    if (granting.length === 0 || granting.some((role) => role.groups === undefined)) continue;
    scopes.set(resource, [...new Set(granting.flatMap((role) => role.groups ?? []))]);
  }
  return scopes;
}

function readRateLimit(raw: unknown, at: string, problems: string[]): ClientRateLimit | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    problems.push(`${at}: must be a map { perSecond: <number>, burst: <integer> }`);
    return undefined;
  }
  unknownKeys(raw, RATE_KEYS, at, problems);
  const limit: ClientRateLimit = {};
  if (raw.perSecond !== undefined) {
    if (typeof raw.perSecond !== 'number' || !(raw.perSecond > 0) || raw.perSecond > 1_000_000) problems.push(`${at}.perSecond: a number of calls per second, > 0 and <= 1000000`);
    else limit.perSecond = raw.perSecond;
  }
  if (raw.burst !== undefined) {
    if (typeof raw.burst !== 'number' || !Number.isInteger(raw.burst) || raw.burst < 1 || raw.burst > 1_000_000) problems.push(`${at}.burst: an integer number of calls, >= 1 and <= 1000000`);
    else limit.burst = raw.burst;
  }
  return limit;
}

/**
 * `CN=oss.example.net,O=Example` → { CN → oss.example.net, O → Example }. Attribute names are compared upper-case
 * (`cn=` works too); a comma inside a value is written `\,`. Undefined when the text is not a subject.
 */
export function parseCertificateSubject(text: string): CertificateSubject | undefined {
  const parts = text.split(/(?<!\\),/).map((part) => part.trim());
  const subject = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const attribute = part.slice(0, eq).trim();
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/\\,/g, ',');
    if (!SUBJECT_ATTRIBUTE.test(attribute) || value === '' || subject.has(attribute.toUpperCase())) return undefined;
    subject.set(attribute.toUpperCase(), value);
  }
  return subject.size > 0 ? subject : undefined;
}

/** Node's certificate subject (values are arrays when an attribute repeats, e.g. several OUs), keys upper-cased. */
function normalizeCertificateSubject(subject: PeerCertificate['subject'] | undefined): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [attribute, value] of Object.entries(subject ?? {}) as Array<[string, string | string[] | undefined]>) {
    if (value === undefined) continue;
    result.set(attribute.toUpperCase(), Array.isArray(value) ? value : [value]);
  }
  return result;
}

function subjectMatches(wanted: CertificateSubject, actual: ReadonlyMap<string, string[]>): boolean {
  for (const [attribute, value] of wanted) {
    if (!actual.get(attribute)?.includes(value)) return false;
  }
  return true;
}

function subjectKey(subject: CertificateSubject): string {
  return [...subject]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([attribute, value]) => `${attribute}=${value}`)
    .join(',');
}

function unknownKeys(record: Record<string, unknown>, known: readonly string[], at: string, problems: string[]): void {
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) problems.push(`${at ? `${at}.` : ''}${key}: unknown key (expected ${known.join(', ')})`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A token's `expires` as epoch ms: `2027-03-01` (midnight UTC) or an ISO 8601 time with its offset; YAML may hand
 * over a Date. NaN for anything else.
 */
export function parseTokenExpiry(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : NaN;
}

function readExpiry(value: unknown, where: string, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const time = parseTokenExpiry(value);
  if (Number.isNaN(time)) {
    problems.push(`${where}: must be a date such as 2027-03-01 or a time such as 2027-03-01T12:00:00Z, got ${JSON.stringify(value)}`);
    return undefined;
  }
  return time;
}
