import { randomUUID } from 'node:crypto';
import {
  buildEnvelope,
  CPE_REQUEST_KINDS,
  CPE_RESPONSE_KINDS,
  cwmpFault,
  CwmpParseError,
  deviceIdOf,
  FaultCode,
  negotiateVersion,
  parseEnvelope,
  type AcsResponse,
  type CpeRequest,
  type CpeResponse,
  type CwmpEnvelope,
  type CwmpFault,
  type CwmpHeader,
  type CwmpVersion,
  type Inform,
} from '@acs/cwmp';
import {
  answerProcessedMark,
  CwmpEventType,
  newEvent,
  type CpeRequestEventData,
  type EventPayload,
  type InformEventData,
  type RpcFaultEventData,
  type RpcResultEventData,
  type SessionClosedEventData,
  type SessionCloseReason,
} from '@acs/contracts';
import {
  MessageTooLargeError,
  newSessionId,
  remoteHost,
  REMOTE_WARNING_LIMITS,
  ThrottledLog,
  sourceAddressOf,
  type BusMessage,
  type DeviceQueue,
  type Logger,
  type SessionRecord,
  type SessionStore,
} from '@acs/platform';
import type { CpeAuthenticator } from '../auth/cpe-authenticator';
import type { EventPublisher } from '../events/event-publisher';
import type { GatewayConfig } from '../gateway.config';
import type { GatewayMetrics } from '../gateway.metrics';
import { SessionSummary } from './session-summary';

/** One HTTP request of a CWMP session, as the HTTP layer hands it over (body already decoded). */
export interface CwmpHttpRequest {
  body: string;
  /** Session id from the session cookie, if the CPE sent it. */
  sessionId?: string;
  /** `ip:port` of the TCP connection: the fallback session key for CPEs that drop cookies. */
  remoteAddress: string;
  authorization?: string;
  method: string;
}

export interface CwmpHttpReply {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** Methods this ACS answers when a CPE asks GetRPCMethods. */
export const ACS_METHODS = [
  'Inform',
  'GetRPCMethods',
  'TransferComplete',
  'AutonomousTransferComplete',
  'RequestDownload',
  'DUStateChangeComplete',
  'AutonomousDUStateChangeComplete',
  'Kicked',
] as const;

type CpeInitiated = Exclude<CpeRequest, Inform>;

const XML_HEADERS = { 'Content-Type': 'text/xml; charset="utf-8"' } as const;

export interface SessionEngineDeps {
  config: GatewayConfig;
  store: SessionStore;
  queue: DeviceQueue;
  publisher: EventPublisher;
  authenticator: CpeAuthenticator;
  metrics: GatewayMetrics;
  logger: Logger;
  now?: () => number;
}

/**
 * The CWMP session state machine, stateless between requests: everything it needs to go on is in the
 * SessionStore, so any gateway pod can serve any request of a session.
 *
 *   Inform ──► InformResponse (cookie) ──► CPE requests ⇄ responses ──► empty POST
 *          ──► ACS turn: lease work item ──► RPC ──► CPE response ──► publish result ──► ack ──► next item … ──► 204
 *
 * Ordering rule of the ACS turn: a result is published before its work item is acknowledged, so a pod that dies
 * between the two leaves the item at the head of the device's queue and the next session runs it again. When the
 * bus is down the result is deferred to the outbox with its item parked, and the session goes on (EventPublisher).
 */
export class SessionEngine {
  private readonly now: () => number;
  /** This pod's sessions in flight, as last read from the store (plus the ones opened since). */
  private inFlight = 0;
  private inFlightReadAt = 0;
  private inFlightReading = false;
  /** Warnings a CPE (or anyone reaching the port) can repeat at will: per source, with counts of what was held back. */
  private readonly warnings: ThrottledLog;
  /** The minute's sessions in one info line; each session's own line is debug. */
  readonly summary: SessionSummary;

  constructor(private readonly deps: SessionEngineDeps) {
    this.now = deps.now ?? Date.now;
    deps.metrics.inFlightSource = () => this.inFlight;
    this.warnings = new ThrottledLog(deps.logger, { ...REMOTE_WARNING_LIMITS, now: this.now });
    this.summary = new SessionSummary(deps.logger, this.now);
  }

  /** At shutdown: the last partial minute's summary, and the counts of warnings still held back. */
  writeHeldLogs(): void {
    this.summary.stop();
    this.warnings.close();
  }

  /** Sessions opened by this pod and not yet closed, as last known (for the drain's log line). */
  get sessionsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Whether this pod should shed a new session (a request without a session cookie) with 503. Synchronous, on the
   * figure last read from the store: the read is refreshed in the background at most every 250 ms, so shedding costs
   * no store round trip per request. The count lives in the store because a session opened here may end on another
   * pod (ADR 3).
   */
  overloaded(): boolean {
    if (!this.inFlightReading && this.now() - this.inFlightReadAt >= 250) void this.readInFlight();
    return this.inFlight >= this.deps.config.limits.maxSessionsInFlight;
  }

  private async readInFlight(): Promise<void> {
    this.inFlightReading = true;
    try {
      this.inFlight = await this.deps.store.openedCount(this.deps.config.podName);
    } catch {
      // Store unreachable: requests will get 503 from the store calls themselves; keep the last figure.
    } finally {
      this.inFlightReadAt = this.now();
      this.inFlightReading = false;
    }
  }

  async handle(req: CwmpHttpRequest): Promise<CwmpHttpReply> {
    let envelope: CwmpEnvelope | null;
    try {
      envelope = parseEnvelope(req.body, { maxBytes: this.deps.config.limits.maxBodyBytes });
    } catch (error) {
      if (error instanceof CwmpParseError) return this.onParseError(req, error);
      throw error;
    }
    if (envelope?.body.kind === 'Inform') return this.onInform(req, envelope as CwmpEnvelope<Inform>);
    const session = await this.findSession(req);
    if (!session) return this.withoutSession(req, envelope);
    return this.inSession(session, envelope);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Opening a session.

  private async onInform(req: CwmpHttpRequest, envelope: CwmpEnvelope<Inform>): Promise<CwmpHttpReply> {
    const { config, metrics, store } = this.deps;
    const inform = envelope.body;
    const deviceId = deviceIdOf(inform.deviceId);
    const auth = await this.deps.authenticator.authenticate(deviceId, req.authorization, req.method, sourceAddressOf(req.remoteAddress));
    if (!auth.ok) {
      metrics.rejected.labels(`auth-${auth.reason}`).inc();
      switch (auth.status) {
        case 401:
        case 403:
          // A missing Authorization header is the normal first leg of Digest; only real failures deserve a warning,
          // throttled per source and device (a brute force would otherwise write a line per guess).
          if (auth.reason !== 'missing') {
            this.summary.authFailed();
            this.warnings.warn(`${remoteHost(req.remoteAddress)} ${deviceId}`, { deviceId, remote: req.remoteAddress, reason: auth.reason }, 'CPE authentication failed');
          }
          return auth.status === 401 ? { status: 401, headers: { 'WWW-Authenticate': auth.challenge }, body: '' } : { status: 403, headers: {}, body: '' };
        case 503:
          // The lockout's start was logged once; each refusal is only counted (a flood would otherwise fill the log).
          this.deps.logger.debug({ deviceId, remote: req.remoteAddress, scope: auth.scope }, 'CPE refused: authentication locked out');
          // TR-069 CPEs back off on 503 and honour Retry-After (§3.4, ADR 16); the lockout's end is the earliest retry.
          return { status: 503, headers: { 'Retry-After': String(Math.max(1, Math.ceil(auth.retryAfterMs / 1000))) }, body: '' };
      }
    }

    const version = negotiateVersion(envelope.header.supportedCWMPVersions, envelope.version, config.versions);
    if (!version) {
      this.warnings.warn(deviceId, { deviceId, offered: envelope.header.supportedCWMPVersions ?? envelope.version }, 'no common CWMP version');
      return this.faultReply(envelope.version, envelope.header.id, cwmpFault(FaultCode.ACS_VERSION_INCOMPATIBLE));
    }

    const now = this.now();
    const session: SessionRecord = {
      // randomUUID draws from Node's batched entropy cache: ~122 random bits without a syscall per session.
      id: newSessionId(deviceId, randomUUID().replace(/-/g, '')),
      deviceId,
      cwmpVersion: version,
      turn: 'cpe',
      rpcCount: 0,
      requestCount: 1,
      startedAt: now,
      deadline: now + config.session.deadlineMs,
      events: inform.events.map((e) => e.eventCode),
      holdRequests: false,
      planWaitOver: config.session.planWaitMs === 0,
      openedBy: config.podName,
      revision: 1,
    };
    const opened = await store.open(session, config.session.ttlMs, config.session.supersedeAfterMs);
    if (!opened.opened) {
      metrics.rejected.labels('device-busy').inc();
      return this.retryLater();
    }

    const events: BusMessage[] = [];
    const accounting: Array<Promise<void>> = [store.trackOpened(config.podName, session.id, session.startedAt + config.session.ttlMs)];
    if (opened.superseded) {
      accounting.push(store.trackClosed(opened.superseded.openedBy, opened.superseded.id));
      metrics.sessionsFailed.labels('superseded').inc();
      events.push(this.closedEvent(opened.superseded, 'superseded'));
    }
    const informData: InformEventData = { sessionId: session.id, deviceId, cwmpVersion: version, inform, remoteAddress: req.remoteAddress };
    events.push(this.event(CwmpEventType.inform, deviceId, informData));
    try {
      await Promise.all([
        this.deps.publisher.publish(deviceId, events),
        store.bindAddress(req.remoteAddress, session.id, config.session.ttlMs),
        ...accounting,
      ]);
    } catch (error) {
      // Nothing may be lost silently: without the inform published or deferred, the session must not go on.
      await Promise.all([store.close(session), store.trackClosed(config.podName, session.id)]).catch(() => undefined);
      throw error;
    }
    metrics.sessionsStarted.inc();
    this.inFlight += 1;
    this.summary.opened(session.events);
    this.deps.logger.debug({ deviceId, sessionId: session.id, events: session.events, cwmpVersion: version }, 'session opened');

    const header: CwmpHeader = { id: envelope.header.id };
    if (version === '1.4' && envelope.header.supportedCWMPVersions !== undefined) header.useCWMPVersion = version;
    const body = buildEnvelope({ kind: 'InformResponse', maxEnvelopes: 1 }, header, version);
    return {
      status: 200,
      headers: { ...XML_HEADERS, 'Set-Cookie': `${config.session.cookieName}=${session.id}; Path=/; HttpOnly` },
      body,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Requests of a running session.

  private async findSession(req: CwmpHttpRequest): Promise<SessionRecord | null> {
    const id = req.sessionId ?? (await this.deps.store.sessionForAddress(req.remoteAddress));
    return id ? this.deps.store.get(id) : null;
  }

  private withoutSession(req: CwmpHttpRequest, envelope: CwmpEnvelope | null): CwmpHttpReply {
    // An empty POST for a session we no longer know (expired, or closed by a pod that died): end it for the CPE too.
    if (envelope === null) return { status: 204, headers: {}, body: '' };
    this.deps.metrics.rejected.labels('no-session').inc();
    this.summary.rejected();
    this.warnings.warn(remoteHost(req.remoteAddress), { remote: req.remoteAddress, kind: envelope.body.kind }, 'request outside a session');
    return textReply(400, `no CWMP session for this request: a session starts with an Inform (got ${envelope.body.kind})`);
  }

  private async inSession(session: SessionRecord, envelope: CwmpEnvelope | null): Promise<CwmpHttpReply> {
    if (envelope === null) {
      if (session.outstanding) {
        return this.protocolError(session, `empty POST while ${session.outstanding.method} (cwmp:ID ${session.outstanding.rpcId}) awaits an answer`);
      }
      return this.acsTurn(session);
    }
    const message = envelope.body;
    // Inform was handled before: a CPE request here is TransferComplete, Kicked, GetRPCMethods…
    if (CPE_REQUEST_KINDS.has(message.kind)) return this.onCpeRequest(session, envelope as CwmpEnvelope<CpeInitiated>);
    if (message.kind === 'Fault' || CPE_RESPONSE_KINDS.has(message.kind)) return this.onRpcAnswer(session, envelope);
    // An ACS-side message sent by the CPE: it is no method the ACS implements.
    this.deps.metrics.faults.labels(String(FaultCode.ACS_METHOD_NOT_SUPPORTED)).inc();
    return this.faultReply(session.cwmpVersion, envelope.header.id, cwmpFault(FaultCode.ACS_METHOD_NOT_SUPPORTED, `${message.kind} is not an ACS method`));
  }

  private async onCpeRequest(session: SessionRecord, envelope: CwmpEnvelope<CpeInitiated>): Promise<CwmpHttpReply> {
    const request = envelope.body;
    this.deps.metrics.cpeRequests.labels(request.kind).inc();
    // Publish before answering: the answer tells the CPE it may forget the request (TransferComplete above all).
    if (request.kind !== 'GetRPCMethods') {
      const data: CpeRequestEventData = { sessionId: session.id, deviceId: session.deviceId, request };
      await this.deps.publisher.publish(session.deviceId, [this.event(CwmpEventType.cpeRequest, session.deviceId, data)]);
    }
    const body = buildEnvelope(responseTo(request), { id: envelope.header.id }, session.cwmpVersion);
    return { status: 200, headers: XML_HEADERS, body };
  }

  private async onRpcAnswer(session: SessionRecord, envelope: CwmpEnvelope): Promise<CwmpHttpReply> {
    const outstanding = session.outstanding;
    const answer = envelope.body;
    if (!outstanding) return this.protocolError(session, `${answer.kind} received but no RPC is outstanding`);
    if (envelope.header.id !== undefined && envelope.header.id !== outstanding.rpcId) {
      this.deps.metrics.rejected.labels('wrong-cwmp-id').inc();
      return this.protocolError(session, `cwmp:ID ${envelope.header.id} does not match the outstanding ${outstanding.method} (${outstanding.rpcId})`);
    }
    if (answer.kind !== 'Fault' && answer.kind !== `${outstanding.method}Response`) {
      return this.protocolError(session, `${answer.kind} does not answer ${outstanding.method}`);
    }
    const { publisher, metrics } = this.deps;
    const base = { sessionId: session.id, deviceId: session.deviceId, itemId: outstanding.itemId, taskId: outstanding.taskId, request: outstanding.request };
    if (answer.kind === 'Fault') {
      metrics.faults.labels(String(answer.faultCode)).inc();
      const data: RpcFaultEventData = { ...base, fault: answer };
      await publisher.publish(session.deviceId, [this.event(CwmpEventType.rpcFault, session.deviceId, data)], outstanding.itemId);
    } else {
      const data: RpcResultEventData = { ...base, response: answer as CpeResponse };
      try {
        await publisher.publish(session.deviceId, [this.event(CwmpEventType.rpcResult, session.deviceId, data)], outstanding.itemId);
      } catch (error) {
        if (!(error instanceof MessageTooLargeError)) throw error;
        // The answer can never reach provisioning: its task learns why, as a fault, rather than waiting to expire.
        metrics.rejected.labels('result-too-large').inc();
        this.deps.logger.error({ deviceId: session.deviceId, itemId: outstanding.itemId, bytes: error.bytes, limitBytes: error.limitBytes }, 'an RPC answer is larger than the event bus carries: its task is faulted');
        const fault = cwmpFault(FaultCode.ACS_RESOURCES_EXCEEDED, `the device's ${answer.kind} (${error.bytes} bytes as an event) is larger than the event bus carries (${error.limitBytes} bytes, ACS_KAFKA_MAX_MESSAGE_BYTES); ask for a smaller subtree`);
        const faulted: RpcFaultEventData = { ...base, fault };
        await publisher.publish(session.deviceId, [this.event(CwmpEventType.rpcFault, session.deviceId, faulted)], outstanding.itemId);
      }
    }
    session.outstanding = undefined;
    return this.acsTurn(session, { itemId: outstanding.itemId, taskId: outstanding.taskId });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The ACS's turn: send the next work item, or end the session.

  /**
   * `answered`: the work item whose answer was just published. When it belongs to a task and the queue is empty,
   * provisioning may be about to queue the task's next step (a refresh's GetParameterValues after its
   * GetParameterNames): wait, bounded by the plan wait, for its mark that it has processed that answer.
   */
  private async acsTurn(session: SessionRecord, answered?: { itemId: string; taskId?: string }): Promise<CwmpHttpReply> {
    const { config, queue, store, metrics } = this.deps;
    if (this.now() >= session.deadline) return this.endSession(session, 'deadline');
    if (session.rpcCount >= config.session.maxRpcs) return this.endSession(session, 'rpc-limit');
    if (!session.planWaitOver) {
      await this.waitForPlan(session);
      session.planWaitOver = true;
    }
    let item = await queue.lease(session.deviceId);
    if (!item && answered?.taskId && config.session.planWaitMs > 0) {
      await this.waitForMark(session, answerProcessedMark(session.id, answered.itemId), this.now() + config.session.planWaitMs);
      item = await queue.lease(session.deviceId);
    }
    if (!item) return this.endSession(session, 'completed');

    session.rpcCount += 1;
    session.turn = 'acs';
    session.holdRequests = item.holdRequests === true;
    session.outstanding = {
      rpcId: `${session.rpcCount}`,
      itemId: item.id,
      taskId: item.taskId,
      method: item.rpc.kind,
      request: item.rpc,
      sentAt: this.now(),
    };
    session.revision += 1;
    if (!(await store.update(session, config.session.ttlMs))) {
      // Another pod wrote this session since we read it: the CPE sent two requests at once, or a stale retry.
      return this.protocolError(session, 'session changed under us (concurrent requests of one session)');
    }
    metrics.rpcs.labels(item.rpc.kind).inc();
    const header: CwmpHeader = { id: session.outstanding.rpcId };
    if (session.holdRequests) header.holdRequests = true;
    return { status: 200, headers: XML_HEADERS, body: buildEnvelope(item.rpc, header, session.cwmpVersion) };
  }

  /** Provisioning marks a session "planned" once it has queued what the Inform calls for (bootstrap presets…). */
  private waitForPlan(session: SessionRecord): Promise<void> {
    const { planWaitMs, bootstrapPlanWaitMs } = this.deps.config.session;
    const waitMs = session.events.includes('0 BOOTSTRAP') ? Math.max(planWaitMs, bootstrapPlanWaitMs) : planWaitMs;
    return this.waitForMark(session, session.id, session.startedAt + waitMs);
  }

  private async waitForMark(session: SessionRecord, mark: string, until: number): Promise<void> {
    while (this.now() < until) {
      if (await this.deps.store.isPlanned(session.deviceId, mark)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async endSession(session: SessionRecord, reason: SessionCloseReason, reply?: CwmpHttpReply): Promise<CwmpHttpReply> {
    const { metrics, store, logger } = this.deps;
    await Promise.all([store.close(session), store.trackClosed(session.openedBy, session.id)]);
    if (session.openedBy === this.deps.config.podName) this.inFlight = Math.max(0, this.inFlight - 1);
    const durationMs = this.now() - session.startedAt;
    if (reason === 'protocol-error') metrics.sessionsFailed.labels(reason).inc();
    else metrics.sessionsCompleted.labels(reason).inc();
    metrics.sessionDuration.observe(durationMs / 1000);
    try {
      await this.deps.publisher.publish(session.deviceId, [this.closedEvent(session, reason)]);
    } catch (error) {
      // The session is over either way; consumers learn it from the next inform of the device.
      logger.error({ deviceId: session.deviceId, sessionId: session.id, err: error }, 'could not publish session-closed');
    }
    this.summary.closed(reason, session.rpcCount, reason === 'protocol-error');
    // One line per session, at its end, with what an operator looks for: debug, as a busy pod would write megabytes a
    // minute of them; the minute's summary line (SessionSummary) is info.
    logger.debug(
      { deviceId: session.deviceId, sessionId: session.id, events: session.events, cwmpVersion: session.cwmpVersion, reason, rpcs: session.rpcCount, durationMs },
      'session closed',
    );
    return reply ?? { status: 204, headers: {}, body: '' };
  }

  private protocolError(session: SessionRecord, problem: string): Promise<CwmpHttpReply> {
    this.warnings.warn(session.deviceId, { deviceId: session.deviceId, sessionId: session.id, problem }, 'CWMP protocol error; session ended');
    return this.endSession(session, 'protocol-error', textReply(400, `CWMP protocol error: ${problem}`));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Bad input.

  private async onParseError(req: CwmpHttpRequest, error: CwmpParseError): Promise<CwmpHttpReply> {
    const { metrics } = this.deps;
    metrics.rejected.labels(`xml-${error.code}`).inc();
    if (error.code === 'unknown-rpc') {
      // A well-formed request for a method we do not implement gets the CWMP answer for it, fault 8000.
      const session = await this.findSession(req);
      metrics.faults.labels(String(FaultCode.ACS_METHOD_NOT_SUPPORTED)).inc();
      this.warnings.warn(session?.deviceId ?? remoteHost(req.remoteAddress), { deviceId: session?.deviceId, sessionId: session?.id, rpc: error.rpcName }, 'unsupported RPC from CPE');
      return this.faultReply(session?.cwmpVersion ?? '1.0', undefined, cwmpFault(FaultCode.ACS_METHOD_NOT_SUPPORTED, `${error.rpcName ?? 'this method'} is not supported`));
    }
    this.summary.rejected();
    this.warnings.warn(remoteHost(req.remoteAddress), { remote: req.remoteAddress, code: error.code, problem: error.message }, 'rejected CWMP request');
    return textReply(error.code === 'too-large' ? 413 : 400, `bad CWMP request (${error.code}): ${error.message}`);
  }

  private faultReply(version: CwmpVersion, id: string | undefined, fault: CwmpFault): CwmpHttpReply {
    // SOAP 1.1 over HTTP: a response carrying a Fault uses status 500.
    return { status: 500, headers: XML_HEADERS, body: buildEnvelope(fault, { id }, version) };
  }

  retryLater(): CwmpHttpReply {
    return { status: 503, headers: { 'Retry-After': String(this.deps.config.limits.retryAfterSeconds) }, body: '' };
  }

  // ---------------------------------------------------------------------------------------------------------------

  private closedEvent(session: SessionRecord, reason: SessionCloseReason): BusMessage {
    const data: SessionClosedEventData = {
      sessionId: session.id,
      deviceId: session.deviceId,
      reason,
      rpcCount: session.rpcCount,
      durationMs: this.now() - session.startedAt,
    };
    return this.event(CwmpEventType.sessionClosed, session.deviceId, data);
  }

  private event<T extends CwmpEventType>(type: T, deviceId: string, data: EventPayload<T>): BusMessage {
    return newEvent(type, deviceId, data, { now: this.now() });
  }
}

function responseTo(request: CpeInitiated): AcsResponse {
  switch (request.kind) {
    case 'GetRPCMethods':
      return { kind: 'GetRPCMethodsResponse', methodList: [...ACS_METHODS] };
    case 'TransferComplete':
      return { kind: 'TransferCompleteResponse' };
    case 'AutonomousTransferComplete':
      return { kind: 'AutonomousTransferCompleteResponse' };
    case 'RequestDownload':
      return { kind: 'RequestDownloadResponse' };
    case 'DUStateChangeComplete':
      return { kind: 'DUStateChangeCompleteResponse' };
    case 'AutonomousDUStateChangeComplete':
      return { kind: 'AutonomousDUStateChangeCompleteResponse' };
    case 'Kicked':
      return { kind: 'KickedResponse', nextURL: request.next };
  }
}



function textReply(status: number, text: string): CwmpHttpReply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `${text}\n` };
}
