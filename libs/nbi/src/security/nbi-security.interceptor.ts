import { randomUUID } from 'node:crypto';

import {
  Metadata,
  ResponderBuilder,
  ServerInterceptingCall,
  ServerListenerBuilder,
  status,
  type Deadline,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type StatusObject,
} from '@grpc/grpc-js';
import { ERROR_DOMAIN, metricOf, remoteHost, REMOTE_WARNING_LIMITS, sourceAddressOf, statusWithDetails, ThrottledLog } from '@acs/platform';
import { Counter, type Registry } from 'prom-client';

import type { AuditEntry, AuditLog } from '../audit/audit-log.port';
import type { ClientRateLimiter, RateDecision } from './client-rate-limiter';
import type { ClientStreamLimiter } from './client-stream-limiter';
import type { AuthenticationMethod, ClientRegistry, ClientRegistryProvider, NbiClient } from './client-registry';
import { hashApiToken } from './api-token';
import type { PeerDecision, UnauthenticatedPeerLimiter } from './unauthenticated-peer-limiter';
import { DEVICE_SCOPE_METADATA_KEY } from './device-scope';
import { ACS_V1_METHOD_POLICIES, isOpenMethod, type MethodPolicy } from './method-policy';
import { allows } from './permissions';

/** Request metadata carrying the authenticated client's name to the handlers. Whatever a caller sends under it is dropped. */
export const CLIENT_METADATA_KEY = 'x-acs-client';

/** A certificate subject recorded in the audit log is cut here (subjects are short; a hostile one need not be). */
const MAX_CREDENTIAL_LENGTH = 256;

/** Audit messages are for people; a handler's error text is cut here. */
const MAX_AUDIT_MESSAGE_LENGTH = 1024;

/**
 * How much earlier than the server's reckoning of a call's deadline a cancel can be the client's deadline firing. The
 * server dates the deadline from when it read the request headers (`grpc-timeout` is relative, rounded up), so it lies
 * one headers' transit after the client's own; the client's cancel, sent at its deadline, can reach the server first —
 * on a busy machine by tens or hundreds of milliseconds. A client that cancels this close to its deadline is audited as
 * having run out of it.
 */
export const DEADLINE_TRANSIT_ALLOWANCE_MS = 1000;

export interface NbiSecurityLogger {
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

export interface NbiSecurityDeps {
  clients: ClientRegistryProvider;
  /** Where entries go: in the apps an AuditWriter, which keeps them through an audit-store outage. */
  auditLog: Pick<AuditLog, 'record'>;
  rateLimiter: ClientRateLimiter;
  /** Throttles peers whose calls keep failing authentication; none when absent. */
  peerLimiter?: UnauthenticatedPeerLimiter;
  /** Caps the server streams each client holds open; none when absent. */
  streamLimiter?: ClientStreamLimiter;
  logger: NbiSecurityLogger;
  /** Method path → permission needed. Default: every acs.v1 method. */
  policies?: ReadonlyMap<string, MethodPolicy>;
  /** Where the refusal counter goes (`acs_nbi_calls_refused_total`). */
  metrics?: Registry;
  /**
   * Whether the handlers hold clients with group-scoped roles to their groups (a grouping service is behind this NBI
   * to say who is a member). Without it such clients' calls on their scoped resources are refused.
   */
  deviceScopes?: boolean;
  /** The wall clock that token expiry is checked against; tests move it. */
  now?: () => number;
}

interface Caller {
  client: NbiClient;
  authentication: AuthenticationMethod;
  /** Which credential: the token's label (or digest prefix), or the certificate's subject. */
  credential: string;
}

type Authentication = { ok: true; caller: Caller } | { ok: false; reason: string; message: string };

type PartialStatus = Pick<StatusObject, 'code' | 'details'> & { metadata?: Metadata | null };

/**
 * The NBI's gate, a grpc-js server interceptor run before every handler:
 *
 * 1. health and reflection pass untouched (probes, grpcurl);
 * 2. authentication, when the request headers arrive: `authorization: Bearer <token>` (looked up by digest), else a
 *    verified client certificate (mTLS) looked up by subject; neither → UNAUTHENTICATED, logged (ThrottledLog: at
 *    most 5 lines a minute per peer address, 100 over all, with the count of those held back), not audited (an
 *    unknown caller has no name to audit under, and an anonymous flood must not fill the audit log). Failures are
 *    counted per peer address: a peer past its allowance is answered RESOURCE_EXHAUSTED with a retry delay — calls
 *    without credentials before anything is looked up, calls with credentials after the lookup (a hash and a map
 *    read), so a valid client behind the same address is served;
 * 3. when the request message arrives (so the audit knows the target): rate limit, then role, then (server streams)
 *    the client's open streams → RESOURCE_EXHAUSTED or PERMISSION_DENIED, the handler never runs;
 * 4. the client's name goes to the handler in `x-acs-client`; the `authorization` header does not go at all; a client
 *    whose grants for the method's resource all come from roles scoped to device groups has them passed in
 *    `x-acs-device-scope`, and the handler holds the call to them (device-scope.ts; refused here when it cannot);
 * 5. mutating calls, and every call refused for want of a role, are audited once they end (final status, duration).
 *    A failed audit write is logged and counted; it never changes the call's outcome.
 *
 * Every method is gated on its first request message: the only one of unary and server-streaming calls, the metadata
 * message of a client-streaming upload (its later messages pass, and the rate limit counts the call once).
 */
export function createNbiSecurityInterceptor(deps: NbiSecurityDeps): ServerInterceptor {
  const policies = deps.policies ?? ACS_V1_METHOD_POLICIES;
  const clock = deps.now ?? Date.now;
  // Anyone can make the server refuse a call: those warnings are throttled per peer address (or client), with counts
  // of what was held back (every refusal is counted in the metrics). On the injected clock when there is one, so a
  // test can say when an interval has passed.
  const refusalLog = new ThrottledLog(deps.logger, { ...REMOTE_WARNING_LIMITS, now: deps.now });
  const metrics = deps.metrics ? securityMetrics(deps.metrics) : undefined;
  let lastRegistry: ClientRegistry | undefined;

  return (methodDescriptor, call) => {
    const method = methodDescriptor.path;
    if (isOpenMethod(method)) return new ServerInterceptingCall(call);

    const startedAt = Date.now();
    const peer = call.getPeer();
    const source = sourceAddressOf(peer);
    const policy = policies.get(method);
    let caller: Caller | undefined;
    let gated = false;
    /** The client whose stream place this call holds, given back when the call ends. */
    let streamHolder: string | undefined;
    const releaseStream = (): void => {
      if (streamHolder === undefined) return;
      deps.streamLimiter?.release(streamHolder);
      streamHolder = undefined;
    };
    /** Set once the call is known to need an audit entry; written when the call ends. */
    let pending: Omit<AuditEntry, 'outcome' | 'message' | 'durationMs'> | undefined;

    const audit = (code: status, message: string): void => {
      const entry = pending;
      if (!entry) return;
      pending = undefined;
      const record: AuditEntry = {
        ...entry,
        outcome: status[code] ?? String(code),
        message: code === status.OK ? '' : truncate(message, MAX_AUDIT_MESSAGE_LENGTH),
        durationMs: Math.max(0, Date.now() - startedAt),
      };
      // Through a promise even if record() throws at once: a broken audit log must not break the call.
      Promise.resolve()
        .then(() => deps.auditLog.record(record))
        .catch((error: unknown) => {
          // The entry in full, so that it is at least in the process log.
          deps.logger.error({ err: error, auditEntry: record }, 'NBI audit entry could not be written');
        });
    };

    const refuse = (reason: string, refusal: PartialStatus): void => {
      metrics?.refused.inc({ reason });
      intercepting.sendStatus({ metadata: new Metadata(), ...refusal });
    };

    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const registry = deps.clients.current;
        if (registry !== lastRegistry) {
          lastRegistry = registry;
          deps.rateLimiter.retain(registry.clients.map((client) => client.name));
        }
        const throttle: PeerDecision = deps.peerLimiter?.check(source) ?? { throttled: false };
        // Without credentials there is nothing to look up: a throttled peer's call is refused straight away.
        const result: Authentication =
          throttle.throttled && !presentsCredentials(metadata, call)
            ? { ok: false, reason: 'no credentials', message: '' }
            : authenticate(registry, metadata, call, clock);
        if (!result.ok) {
          deps.peerLimiter?.failed(source);
          refusalLog.warn(remoteHost(peer), { method, peer, reason: result.reason }, throttle.throttled ? 'NBI call refused: too many unauthenticated calls from this peer' : 'NBI call refused: not authenticated');
          if (throttle.throttled) refuse('peer_throttled', peerThrottledStatus(source, throttle));
          else refuse('unauthenticated', { code: status.UNAUTHENTICATED, details: result.message });
          return;
        }
        caller = result.caller;
        metadata.remove('authorization');
        metadata.set(CLIENT_METADATA_KEY, caller.client.name);
        metadata.remove(DEVICE_SCOPE_METADATA_KEY);
        const scope = policy ? caller.client.deviceScopes.get(policy.resourceType) : undefined;
        if (scope) metadata.set(DEVICE_SCOPE_METADATA_KEY, JSON.stringify(scope));
        next(metadata);
      })
      .withOnReceiveMessage((message, next) => {
        // No caller: the call was refused at its headers and its message has no one to go to.
        if (!caller) return;
        if (gated) {
          next(message);
          return;
        }
        gated = true;
        const { client, authentication, credential } = caller;
        const base = {
          id: randomUUID(),
          time: startedAt,
          client: client.name,
          authentication,
          credential,
          method,
          resourceType: policy?.resourceType ?? '',
          action: policy?.action ?? '',
          target: policy?.target(message) ?? '',
          peer,
        };
        if (!policy) {
          // Fail closed: a method served here without a policy entry is refused to everyone, and the refusal audited.
          pending = base;
          deps.logger.error({ method }, 'NBI method has no access policy; refusing it');
          refuse('permission_denied', { code: status.PERMISSION_DENIED, details: `${method} is not open to any client` });
          return;
        }
        const decision = deps.rateLimiter.take(client.name, client.rateLimit);
        if (!decision.allowed) {
          if (policy.mutating) pending = base;
          refuse('rate_limited', rateLimitedStatus(client.name, decision));
          return;
        }
        if (!allows(client.permissions, policy.resourceType, policy.action)) {
          pending = base;
          refuse('permission_denied', {
            code: status.PERMISSION_DENIED,
            details: `client "${client.name}" may not ${policy.action} ${policy.resourceType} (roles: ${client.roles.join(', ')})`,
          });
          return;
        }
        const scope = client.deviceScopes.get(policy.resourceType);
        if (scope && (!deps.deviceScopes || !policy.deviceScope)) {
          pending = base;
          refuse('permission_denied', {
            code: status.PERMISSION_DENIED,
            details: deps.deviceScopes
              ? `client "${client.name}" is limited to device groups (${scope.join(', ')}) and ${method} cannot be held to them`
              : `client "${client.name}" is limited to device groups (${scope.join(', ')}) and no grouping service is behind this API to check them`,
          });
          return;
        }
        if (methodDescriptor.responseStream && deps.streamLimiter) {
          if (!deps.streamLimiter.acquire(client.name)) {
            if (policy.mutating) pending = base;
            refusalLog.warn(client.name, { method, client: client.name, limit: deps.streamLimiter.maxPerClient }, 'NBI stream refused: the client holds its limit of open streams');
            refuse('stream_limit', streamLimitStatus(client.name, deps.streamLimiter.maxPerClient));
            return;
          }
          streamHolder = client.name;
        }
        if (policy.mutating) pending = base;
        next(message);
      })
      .withOnCancel(() => {
        releaseStream();
        // Also called after every status is sent; only a call that ended without one (client cancelled, deadline
        // passed: grpc-js answers those itself, past the interceptors) still has its entry pending here. Decided from
        // the deadline and the clock, not from whether the client's cancel or the server's deadline timer came first.
        // Date.now, not the injected clock: grpc-js dates the deadline on the wall clock.
        if (cancelledAtDeadline(call.getDeadline(), Date.now())) audit(status.DEADLINE_EXCEEDED, 'deadline exceeded');
        else audit(status.CANCELLED, 'cancelled by the client');
      })
      .build();

    const intercepting = new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withStart((next) => next(listener))
        .withSendStatus((outcome, next) => {
          releaseStream();
          audit(outcome.code, outcome.details ?? '');
          next(outcome);
        })
        .build(),
    );
    return intercepting;
  };
}

/** Whether a call cut off at `now` (epoch ms) ended by its deadline rather than by the client's choice. */
export function cancelledAtDeadline(deadline: Deadline, now: number): boolean {
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : deadline;
  return now >= deadlineMs - DEADLINE_TRANSIT_ALLOWANCE_MS;
}

function authenticate(registry: ClientRegistry, metadata: Metadata, call: ServerInterceptingCallInterface, now: () => number): Authentication {
  const headers = metadata.get('authorization');
  if (headers.length > 0) {
    const [header] = headers;
    const match = headers.length === 1 && typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return { ok: false, reason: 'malformed authorization header', message: 'authorization must be "Bearer <token>"' };
    const token = registry.token(hashApiToken(match[1]));
    if (!token) return { ok: false, reason: 'unknown token', message: 'unknown or revoked API token' };
    if (token.expiresAt !== undefined && now() >= token.expiresAt) {
      const expired = new Date(token.expiresAt).toISOString();
      return {
        ok: false,
        reason: `expired token of client "${token.client.name}"${token.label ? ` (${token.label})` : ''}, expired ${expired}`,
        message: `API token expired at ${expired}; ask the ACS operator for a new one`,
      };
    }
    return { ok: true, caller: { client: token.client, authentication: 'token', credential: token.label ?? `sha256:${token.sha256.slice(0, 12)}` } };
  }
  const certificate = call.getAuthContext().sslPeerCertificate;
  if (certificate) {
    const found = registry.byCertificate(certificate);
    switch (found.kind) {
      case 'client':
        return { ok: true, caller: { client: found.client, authentication: 'certificate', credential: truncate(describeSubject(certificate.subject), MAX_CREDENTIAL_LENGTH) } };
      case 'none':
        return {
          ok: false,
          reason: `certificate subject not registered: ${describeSubject(certificate.subject)}`,
          message: 'the client certificate is not registered for any client',
        };
      case 'ambiguous':
        return {
          ok: false,
          reason: `certificate subject ${describeSubject(certificate.subject)} matches several clients: ${found.clients.join(', ')}`,
          message: 'the client certificate matches several clients; ask the operator to pin it (e.g. CN and O)',
        };
    }
  }
  return { ok: false, reason: 'no credentials', message: 'credentials required: an "authorization: Bearer <token>" header or a client certificate' };
}

/** RESOURCE_EXHAUSTED with google.rpc.RetryInfo (when to try again) and ErrorInfo (reason RATE_LIMITED). */
function rateLimitedStatus(client: string, decision: Extract<RateDecision, { allowed: false }>): PartialStatus {
  const message = `rate limit of client "${client}" exceeded (${decision.limit.perSecond}/s, burst ${decision.limit.burst}); retry in ${decision.retryAfterMs} ms`;
  return statusWithDetails(status.RESOURCE_EXHAUSTED, message, [
    { type: 'ErrorInfo', value: { reason: 'RATE_LIMITED', domain: ERROR_DOMAIN, metadata: { client } } },
    { type: 'RetryInfo', value: { retryDelay: { seconds: Math.floor(decision.retryAfterMs / 1000), nanos: (decision.retryAfterMs % 1000) * 1_000_000 } } },
  ]);
}

/** Whether a call brings anything to authenticate with: an authorization header (well-formed or not) or a certificate. */
function presentsCredentials(metadata: Metadata, call: ServerInterceptingCallInterface): boolean {
  return metadata.get('authorization').length > 0 || call.getAuthContext().sslPeerCertificate !== undefined;
}

/** RESOURCE_EXHAUSTED with RetryInfo and ErrorInfo (reason UNAUTHENTICATED_PEER_THROTTLED): the peer failed too often. */
function peerThrottledStatus(source: string, decision: Extract<PeerDecision, { throttled: true }>): PartialStatus {
  const message =
    `too many calls without valid credentials from ${source} (${decision.limit.perSecond}/s, burst ${decision.limit.burst}); ` +
    `retry in ${decision.retryAfterMs} ms with a valid token or certificate`;
  return statusWithDetails(status.RESOURCE_EXHAUSTED, message, [
    { type: 'ErrorInfo', value: { reason: 'UNAUTHENTICATED_PEER_THROTTLED', domain: ERROR_DOMAIN, metadata: { peer: source } } },
    { type: 'RetryInfo', value: { retryDelay: { seconds: Math.floor(decision.retryAfterMs / 1000), nanos: (decision.retryAfterMs % 1000) * 1_000_000 } } },
  ]);
}

/** RESOURCE_EXHAUSTED with google.rpc.ErrorInfo (reason STREAM_LIMIT): close a stream before opening another. */
function streamLimitStatus(client: string, limit: number): PartialStatus {
  const message = `client "${client}" already holds ${limit} open streams on this server; close one before opening another`;
  return statusWithDetails(status.RESOURCE_EXHAUSTED, message, [
    { type: 'ErrorInfo', value: { reason: 'STREAM_LIMIT', domain: ERROR_DOMAIN, metadata: { client, limit: String(limit) } } },
  ]);
}

function describeSubject(subject: Record<string, string | string[] | undefined> | undefined): string {
  return Object.entries(subject ?? {})
    .map(([attribute, value]) => `${attribute}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(',');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function securityMetrics(registry: Registry): { refused: Counter<'reason'> } {
  const refused = metricOf(
    registry,
    'acs_nbi_calls_refused_total',
    () =>
      new Counter<'reason'>({
        name: 'acs_nbi_calls_refused_total',
        help: 'NBI calls refused before reaching a handler, by reason (unauthenticated, peer_throttled, permission_denied, rate_limited, stream_limit)',
        labelNames: ['reason'],
        registers: [registry],
      }),
  );
  return { refused };
}
