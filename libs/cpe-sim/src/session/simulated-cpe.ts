import {
  ACS_REQUEST_KINDS,
  buildEnvelope,
  cwmpFault,
  CwmpParseError,
  deviceIdOf,
  EventCode,
  FaultCode,
  faultString,
  parseEnvelope,
  type AcsRequest,
  type CwmpEnvelope,
  type CwmpHeader,
  type CwmpMessage,
  type CwmpVersion,
  type DeviceIdStruct,
  type EventStruct,
  type FaultStruct,
  type Inform,
  type ParameterValueStruct,
  type TransferComplete,
} from '@acs/cwmp';
import { DataModel, DataModelError } from '../data-model/data-model';
import { cwmpValueOf } from '../data-model/parameter-value';
import { ConnectionRequestListener } from '../http/connection-request-listener';
import { CwmpHttpClient } from '../http/cwmp-http-client';
import type { Credentials } from '../http/http-auth';
import { UdpConnectionRequestListener } from '../http/udp-connection-request-listener';
import { abortableDelay } from '../firmware/firmware-downloader';
import {
  deviceFailureDraws,
  firmwareFailureOf,
  unitHash,
  validFirmwareFailures,
  type FirmwareFailureDraws,
  type FirmwareFailureMode,
  type FirmwareFailureShares,
} from '../firmware/firmware-failures';
import { type FirmwareBehaviour, type FirmwareDownloadRecord, upgradeFirmware } from '../firmware/firmware-upgrade';
import { BulkDataReporter, type BulkDataClock, type BulkDataDelivery, SYSTEM_CLOCK } from '../bulkdata/bulk-data-reporter';
import { DiagnosticsRunner, type DiagnosticsRecord } from '../diagnostics/diagnostics-runner';
import { DEFAULT_NETWORK_CONDITIONS, type NetworkConditions, withNetworkConditions } from '../diagnostics/network-conditions';
import { DEGRADED_LINE_LEVELS, type LineLevels, LineMonitor } from '../monitoring/line-monitor';
import { type DeviceAction, DeviceRpcHandler } from './device-rpc-handler';
import { informParameterNames, wanAddressName } from './inform-parameters';
import { CwmpSessionError, type SessionReport } from './session-report';

export interface CpeOptions {
  /** Several: requests go to them in turn, one per HTTP request (any gateway pod must serve any request). */
  acsUrl: string | string[];
  /** Each CPE gets its own clone. */
  model: DataModel;
  oui: string;
  productClass: string;
  serialNumber: string;
  manufacturer?: string;
  /** Default '1.0'; '1.4' sends SupportedCWMPVersions and follows UseCWMPVersion. */
  cwmpVersion?: CwmpVersion;
  /** Answers Basic or Digest (MD5, SHA-256, qop=auth) challenges from the ACS. */
  auth?: Credentials;
  /** Seconds (±10% jitter); default: the model's PeriodicInformInterval. Used once started. */
  periodicInformInterval?: number;
  /** A Digest-protected listener of this CPE's own, started by start(). */
  connectionRequest?: { host: string; port: number; username: string; password: string };
  /**
   * A UDP connection-request listener of this CPE's own (TR-111 Part 2), started by start(); its address is
   * reported as ManagementServer.UDPConnectionRequestAddress. Signatures are checked with the same live
   * ConnectionRequestUsername/Password as the HTTP listener.
   */
  udpConnectionRequest?: { host: string; port: number };
  /** A listener shared by a fleet (takes precedence over connectionRequest's host/port). */
  connectionRequestListener?: ConnectionRequestListener;
  /** Behave like CPEs that ignore Set-Cookie. */
  dropCookies?: boolean;
  /** The local address to connect from (several CPEs behind distinct addresses on one host). */
  localAddress?: string;
  /** Default true: one kept-alive connection per CPE (per ACS URL) for the requests of a session. */
  keepAlive?: boolean;
  /**
   * Default true: the kept-alive connection also serves the next session. false: closed at the end of each
   * session, as many real CPEs do (then every session costs the ACS a TCP accept).
   */
  reuseConnection?: boolean;
  /** Delay before the session that follows a Reboot or FactoryReset (started CPEs). Default 0. */
  rebootDelayMs?: number;
  /**
   * Time a Download or Upload takes, on top of its DelaySeconds. Default 0. Not for firmware images, which are
   * downloaded for real (see `firmware`).
   */
  transferDelayMs?: number;
  /** DeviceInfo.SoftwareVersion at first boot (default: the model's). */
  softwareVersion?: string;
  /** DeviceInfo.HardwareVersion (default: the model's). */
  hardwareVersion?: string;
  /** How firmware images are downloaded and installed. */
  firmware?: FirmwareBehaviour;
  /** Injected firmware failures; changeable later with setFirmwareFailures(). Default none. */
  firmwareFailures?: FirmwareFailureShares;
  /** Where this CPE falls in each failure mode (a fleet spreads them evenly); default: a hash of the device id and seed. */
  firmwareFailureDraws?: FirmwareFailureDraws;
  /** Seed of the default draws. Default 0. */
  firmwareFailureSeed?: number;
  /** Per HTTP request. Default 30 s. */
  requestTimeoutMs?: number;
  /** Reports kept in `sessions` (oldest dropped first). Default 1000. */
  sessionHistoryLimit?: number;
  /** The network the CPE's diagnostics measure (defaults: DEFAULT_NETWORK_CONDITIONS); changeable with setNetworkConditions(). */
  network?: Partial<NetworkConditions>;
  /** Traffic rates and line levels behind the counters and gauges (defaults: DEFAULT_LINE_LEVELS); setLineLevels(). */
  line?: Partial<LineLevels>;
  /** The clock of BulkData intervals and timestamps and of the traffic counters. Default: the system clock. */
  clock?: BulkDataClock;
}

interface PendingTransfer {
  message: TransferComplete;
  direction: 'download' | 'upload';
}

function isAcsRequest(message: CwmpMessage): message is AcsRequest {
  return ACS_REQUEST_KINDS.has(message.kind);
}

const SUPPORTED_CWMP_VERSIONS = '1.0,1.1,1.2,1.3,1.4';
const EMPTY_POST = '(empty)';
/** A session that goes on longer than this is an ACS loop, not work. */
const MAX_MESSAGES_PER_SESSION = 10_000;
const FIRMWARE_FILE_TYPE = '1 Firmware Upgrade Image';

interface AcsReply {
  envelope: CwmpEnvelope | null;
  /** An RPC the codec does not know (vendor method): answered with fault 9000. */
  unknownRpc?: { name: string; id?: string };
}

/**
 * One simulated TR-069 CPE. Driven two ways:
 * - by hand: `runSession(events)` runs one session; whatever the ACS asked for (reboot, transfers, value changes)
 *   becomes pending events for the next session you run;
 * - as a device: `start()` bootstraps/boots, then informs periodically, answers connection requests, and runs the
 *   follow-up sessions (after a reboot, a transfer, a ScheduleInform, an active value change) by itself.
 * Sessions never overlap: a session asked for while one runs starts when it ends.
 */
export class SimulatedCpe {
  readonly deviceId: string;
  readonly model: DataModel;
  readonly sessions: SessionReport[] = [];
  /** Every firmware Download this CPE carried out (or is carrying out), oldest first. */
  readonly firmwareDownloads: FirmwareDownloadRecord[] = [];

  private readonly deviceIdStruct: DeviceIdStruct;
  private readonly handler: DeviceRpcHandler;
  private readonly client: CwmpHttpClient;
  private readonly version: CwmpVersion;
  private pendingEvents: EventStruct[] = [];
  private transfers: PendingTransfer[] = [];
  private readonly changed = new Set<string>();
  private retryCount = 0;
  private bootstrapped = false;
  private bootedAt = Date.now();
  private sessionCount = 0;
  private messageCount = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private automaticQueued = false;
  private running = false;
  private started = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private periodicTimer?: NodeJS.Timeout;
  private ownListener?: ConnectionRequestListener;
  private connectionRequestPath?: string;
  private udpListener?: UdpConnectionRequestListener;
  private informNames?: { revision: number; names: string[] };
  private readonly sessionListeners = new Set<(report: SessionReport) => void>();
  private firmwareFailureShares: FirmwareFailureShares;
  private readonly firmwareFailureDraws: FirmwareFailureDraws;
  private readonly firmwareJobs = new Set<Promise<void>>();
  /** Faults injected per RPC method (setRpcFault). */
  private readonly rpcFaults = new Map<AcsRequest['kind'], { code: number; message?: string }>();
  private firmwareAbort = new AbortController();
  private network: NetworkConditions;
  private readonly diagnostics: DiagnosticsRunner;
  private readonly lineMonitor: LineMonitor;
  private readonly bulkData: BulkDataReporter;
  private readonly lineAtStart: LineLevels;

  constructor(private readonly options: CpeOptions) {
    this.model = options.model.clone();
    this.version = options.cwmpVersion ?? '1.0';
    const urls = Array.isArray(options.acsUrl) ? options.acsUrl : [options.acsUrl];
    this.client = new CwmpHttpClient({
      urls,
      auth: options.auth,
      dropCookies: options.dropCookies,
      keepAlive: options.keepAlive,
      timeoutMs: options.requestTimeoutMs,
      localAddress: options.localAddress,
    });
    const root = this.model.root;
    const info = `${root}.DeviceInfo.`;
    this.setIfPresent(`${info}ManufacturerOUI`, options.oui);
    this.setIfPresent(`${info}ProductClass`, options.productClass);
    this.setIfPresent(`${info}SerialNumber`, options.serialNumber);
    if (options.manufacturer) this.setIfPresent(`${info}Manufacturer`, options.manufacturer);
    if (options.softwareVersion) this.setIfPresent(`${info}SoftwareVersion`, options.softwareVersion);
    if (options.hardwareVersion) this.setIfPresent(`${info}HardwareVersion`, options.hardwareVersion);
    this.setIfPresent(`${root}.ManagementServer.URL`, urls[0]!);
    if (options.periodicInformInterval !== undefined) {
      this.setIfPresent(`${root}.ManagementServer.PeriodicInformInterval`, String(Math.round(options.periodicInformInterval)));
    }
    if (options.connectionRequest) {
      this.setIfPresent(`${root}.ManagementServer.ConnectionRequestUsername`, options.connectionRequest.username);
      this.setIfPresent(`${root}.ManagementServer.ConnectionRequestPassword`, options.connectionRequest.password);
    }
    const wan = wanAddressName(this.model);
    if (wan) this.setIfPresent(wan, wanAddressFor(options.serialNumber));
    if (this.model.has(`${info}UpTime`)) {
      this.model.defineDynamicValue(`${info}UpTime`, () => String(Math.floor((Date.now() - this.bootedAt) / 1000)));
    }
    if (this.model.has(`${root}.Time.CurrentLocalTime`)) {
      this.model.defineDynamicValue(`${root}.Time.CurrentLocalTime`, () => new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    }
    this.model.markFactoryState();
    this.deviceIdStruct = {
      manufacturer: options.manufacturer ?? this.model.value(`${info}Manufacturer`) ?? 'ACS Simulator',
      oui: options.oui,
      productClass: options.productClass,
      serialNumber: options.serialNumber,
    };
    this.deviceId = deviceIdOf(this.deviceIdStruct);
    this.firmwareFailureShares = validFirmwareFailures(options.firmwareFailures ?? {});
    this.firmwareFailureDraws = options.firmwareFailureDraws ?? deviceFailureDraws(this.deviceId, options.firmwareFailureSeed ?? 0);
    this.network = withNetworkConditions(DEFAULT_NETWORK_CONDITIONS, options.network ?? {});
    this.diagnostics = new DiagnosticsRunner({
      model: this.model,
      conditions: () => this.network,
      seed: this.deviceId,
      wanAddress: () => (wan ? (this.model.value(wan) ?? '') : ''),
      localAddress: options.localAddress,
      onComplete: () => {
        this.addPendingEvent({ eventCode: EventCode.DIAGNOSTICS_COMPLETE, commandKey: '' });
        this.requestSession();
      },
    });
    const clock = options.clock ?? SYSTEM_CLOCK;
    this.lineMonitor = new LineMonitor(this.model, options.line, () => clock.now());
    this.lineAtStart = { ...this.lineMonitor.current };
    this.bulkData = new BulkDataReporter(this.model, clock, options.localAddress);
    this.handler = new DeviceRpcHandler(this.model, {
      refuse: (name, value) => this.diagnostics.refuse(name, value),
      parametersSet: (names) => this.diagnostics.parametersSet(names),
    });
    this.model.onChange((parameter, source) => {
      // The ACS knows what it set itself; everything else with notification on is reported.
      if (source === 'acs' || parameter.notification === 0) return;
      this.changed.add(parameter.name);
      if (isActiveNotification(parameter.notification)) this.requestSession();
    });
  }

  /** True while a session is under way. */
  get inSession(): boolean {
    return this.running;
  }

  /** The CPE's UDP connection-request listener, once started with `udpConnectionRequest`. */
  get udpConnectionRequestListener(): UdpConnectionRequestListener | undefined {
    return this.udpListener;
  }

  /** DeviceInfo.SoftwareVersion now (what the next Inform reports). */
  get softwareVersion(): string {
    return this.model.value(`${this.model.root}.DeviceInfo.SoftwareVersion`) ?? '';
  }

  /** The firmware failure this CPE shows under the current shares, if any. */
  get firmwareFailure(): FirmwareFailureMode | undefined {
    return firmwareFailureOf(this.firmwareFailureDraws, this.firmwareFailureShares);
  }

  /**
   * Changes the injected firmware failures from now on (upgrades under way included: an install not yet decided
   * follows the new shares). The CPEs that fail a mode are fixed by their draws: lowering a share fixes some of them.
   */
  setFirmwareFailures(shares: FirmwareFailureShares): void {
    this.firmwareFailureShares = validFirmwareFailures(shares);
  }

  /**
   * From now on, answers every `method` RPC with this fault instead of carrying it out (a device refusing a reboot, a
   * read-only parameter…): how a test makes a share of a fleet fail a bulk operation. `undefined` removes it.
   */
  setRpcFault(method: AcsRequest['kind'], fault: { code: number; message?: string } | undefined): void {
    if (fault === undefined) this.rpcFaults.delete(method);
    else this.rpcFaults.set(method, fault);
  }

  /** The network conditions the diagnostics measure now. */
  get networkConditions(): Readonly<NetworkConditions> {
    return this.network;
  }

  /**
   * Changes the network the diagnostics measure, from the next test on (a bad figure is refused whole with a
   * NetworkConditionsError): latency, jitter, loss, link rates, DNS answers, hop count, a forced Error_* state or
   * "never completes" per kind of test.
   */
  setNetworkConditions(change: Partial<NetworkConditions>): void {
    this.network = withNetworkConditions(this.network, change);
  }

  /** Every diagnostics test this CPE started, oldest first (kind, times, end state, failure reason). */
  get diagnosticsRecords(): readonly DiagnosticsRecord[] {
    return this.diagnostics.records;
  }

  /** Resolves once no diagnostics test runs (tests made never to complete excepted). */
  diagnosticsSettled(): Promise<void> {
    return this.diagnostics.settled();
  }

  /** Traffic rates and line levels now. */
  get lineLevels(): Readonly<LineLevels> {
    return this.lineMonitor.current;
  }

  /** New traffic rates / line levels from now on (counters keep what they counted). */
  setLineLevels(change: Partial<LineLevels>): void {
    this.lineMonitor.set(change);
  }

  /** A failing line: weak optical signal, poor SNR margin, no stations, little traffic (DEGRADED_LINE_LEVELS). */
  degradeLine(): void {
    this.lineMonitor.set(DEGRADED_LINE_LEVELS);
  }

  /** Back to the levels the CPE was created with. */
  recoverLine(): void {
    this.lineMonitor.set(this.lineAtStart);
  }

  /** Bytes received and sent on the WAN since boot (before any 32-bit wrap). */
  get wanBytes(): { received: number; sent: number } {
    return this.lineMonitor.bytes();
  }

  /** Sends the BulkData report of every active profile now, instead of at the end of its interval. */
  reportBulkDataNow(profile?: string): Promise<BulkDataDelivery[]> {
    return this.bulkData.reportNow(profile);
  }

  /** Every BulkData report this CPE sent or tried to send, oldest first. */
  get bulkDataDeliveries(): readonly BulkDataDelivery[] {
    return this.bulkData.deliveries;
  }

  /** Resolves once no firmware download or install is under way. */
  async firmwareSettled(): Promise<void> {
    while (this.firmwareJobs.size > 0) await Promise.all([...this.firmwareJobs]);
  }

  /** Events waiting for the next Inform (after a reboot, a transfer, a scheduled inform…). */
  get pendingEventCodes(): string[] {
    return this.eventsForInform(undefined).map((e) => e.eventCode);
  }

  /**
   * Runs one full session: Inform (the given events plus pending ones; with none at all, '0 BOOTSTRAP' + '1 BOOT'
   * for a CPE that never informed successfully, else '2 PERIODIC'), the CPE's own requests (TransferComplete), an empty POST,
   * then the ACS's RPCs until it answers with an empty body. Never rejects: failures are in the report's `error`.
   * Waits first for a firmware download or install under way, so that its outcome (reboot, TransferComplete) is in
   * this session.
   */
  runSession(events?: Array<string | EventStruct>): Promise<SessionReport> {
    const run = this.queue.then(() => this.firmwareSettled()).then(() => this.session(events));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves when no session is running or queued. */
  async idle(): Promise<void> {
    for (;;) {
      const current = this.queue;
      await current;
      if (current === this.queue) return;
    }
  }

  /** Called after every session, with its report. Returns the function that unsubscribes. */
  onSession(listener: (report: SessionReport) => void): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  /** The next session whose report matches (default: any), within `timeoutMs`. */
  waitForSession(match: (report: SessionReport) => boolean = () => true, timeoutMs = 10_000): Promise<SessionReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no matching session of ${this.deviceId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.onSession((report) => {
        if (!match(report)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(report);
      });
    });
  }

  /**
   * Behaves as a device from now on: opens the connection-request listener, runs the first session
   * ('0 BOOTSTRAP' unless already bootstrapped, and '1 BOOT'), then informs periodically. Resolves after that first
   * session (whatever its outcome; a failed one is retried with TR-069's back-off).
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.openConnectionRequestListener();
    await this.openUdpConnectionRequestListener();
    if (!this.bootstrapped) this.addPendingEvent({ eventCode: EventCode.BOOTSTRAP, commandKey: '' });
    this.addPendingEvent({ eventCode: EventCode.BOOT, commandKey: '' });
    this.requestSession();
    this.bulkData.start();
    await this.idle();
  }

  /** Stops informing, waits for the session in progress, closes the listener. Safe to call when not started. */
  async stop(): Promise<void> {
    this.started = false;
    this.bulkData.stop();
    // Switched off: tests under way end without a result.
    this.diagnostics.reboot();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.periodicTimer) clearTimeout(this.periodicTimer);
    this.periodicTimer = undefined;
    this.firmwareAbort.abort(new Error('the CPE was stopped'));
    await this.firmwareSettled();
    this.firmwareAbort = new AbortController();
    await this.idle();
    if (this.connectionRequestPath !== undefined) {
      (this.options.connectionRequestListener ?? this.ownListener)?.unregister(this.connectionRequestPath);
      this.connectionRequestPath = undefined;
    }
    await this.ownListener?.close();
    this.ownListener = undefined;
    await this.udpListener?.close();
    this.udpListener = undefined;
    this.client.endSession();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async session(explicit: Array<string | EventStruct> | undefined): Promise<SessionReport> {
    this.running = true;
    const report: SessionReport = {
      sessionIndex: this.sessionCount++,
      deviceId: this.deviceId,
      events: [],
      rpcs: [],
      cpeRequests: [],
      httpStatuses: [],
      startedAt: Date.now(),
      durationMs: 0,
    };
    const actions: DeviceAction[] = [];
    const events = this.eventsForInform(explicit);
    report.events = events.map((e) => e.eventCode);
    const progress = { informed: false };
    try {
      this.client.beginSession();
      await this.exchange(events, report, actions, progress);
    } catch (error) {
      report.error = error instanceof Error ? error.message : String(error);
      if (error instanceof CwmpSessionError && error.retryAfter !== undefined) report.retryAfter = error.retryAfter;
    } finally {
      if (this.options.reuseConnection === false) this.client.endSession();
      report.durationMs = Date.now() - report.startedAt;
      this.running = false;
    }
    if (!progress.informed) {
      // Undelivered events wait for the next attempt (TR-069 3.7.1.5), and the attempt is counted.
      this.retryCount++;
      for (const event of events) {
        if (event.eventCode !== EventCode.VALUE_CHANGE && event.eventCode !== EventCode.TRANSFER_COMPLETE && !isTransferEvent(event)) {
          this.addPendingEvent(event);
        }
      }
    }
    for (const action of actions) this.apply(action);
    // Diagnostics requested in this session start now it is over (TR-181 DiagnosticsState: "SHOULD wait").
    this.diagnostics.sessionEnded();
    this.bulkData.reschedule();
    this.sessions.push(report);
    if (this.sessions.length > (this.options.sessionHistoryLimit ?? 1000)) this.sessions.shift();
    for (const listener of this.sessionListeners) listener(report);
    if (this.started) this.scheduleNext(report);
    return report;
  }

  /** The session's HTTP exchanges; `progress.informed` once the ACS accepted the Inform (even if a later step fails). */
  private async exchange(
    events: EventStruct[],
    report: SessionReport,
    actions: DeviceAction[],
    progress: { informed: boolean },
  ): Promise<void> {
    let version = this.version;
    const reported = [...this.changed];
    const delivered = new Set(this.pendingEvents);
    const inform: Inform = {
      kind: 'Inform',
      deviceId: this.deviceIdStruct,
      events,
      maxEnvelopes: 1,
      currentTime: new Date().toISOString(),
      retryCount: this.retryCount,
      parameterList: this.informParameterList(reported),
    };
    const informHeader: CwmpHeader = { id: this.nextMessageId() };
    if (version === '1.4') informHeader.supportedCWMPVersions = SUPPORTED_CWMP_VERSIONS;
    let reply = await this.post(buildEnvelope(inform, informHeader, version), 'Inform', report);
    const answer = reply.envelope?.body;
    if (answer?.kind !== 'InformResponse') {
      throw new CwmpSessionError(
        answer?.kind === 'Fault'
          ? `the ACS answered the Inform with fault ${answer.faultCode} ${answer.faultString}`
          : `the ACS answered the Inform with ${answer?.kind ?? 'an empty body'}`,
      );
    }
    // Delivered: these events and value changes are not sent again.
    progress.informed = true;
    this.retryCount = 0;
    this.pendingEvents = this.pendingEvents.filter((e) => !delivered.has(e));
    for (const name of reported) this.changed.delete(name);
    // The ACS knows the device now: a later session without events is periodic, not a bootstrap.
    this.bootstrapped = true;
    const negotiated = reply.envelope!.header.useCWMPVersion;
    if (version === '1.4' && negotiated && /^1\.[0-4]$/.test(negotiated)) version = negotiated as CwmpVersion;
    let hold = reply.envelope!.header.holdRequests === true;

    // The CPE's own requests, unless the ACS holds them back.
    for (const transfer of [...this.transfers]) {
      if (hold) break;
      reply = await this.post(buildEnvelope(transfer.message, { id: this.nextMessageId() }, version), 'TransferComplete', report);
      const body = reply.envelope?.body;
      if (body?.kind === 'TransferCompleteResponse') {
        this.transfers = this.transfers.filter((t) => t !== transfer);
      } else if (body?.kind === 'Fault') {
        // 8005 asks to retry later; any other fault is final for this request.
        if (body.faultCode !== 8005) this.transfers = this.transfers.filter((t) => t !== transfer);
        break;
      } else {
        throw new CwmpSessionError(`the ACS answered TransferComplete with ${body?.kind ?? 'an empty body'}`);
      }
      hold = reply.envelope!.header.holdRequests === true;
    }

    reply = await this.post('', EMPTY_POST, report);
    for (let messages = 0; ; messages++) {
      if (messages > MAX_MESSAGES_PER_SESSION) throw new CwmpSessionError('the ACS never ended the session');
      if (reply.unknownRpc) {
        report.rpcs.push({ method: reply.unknownRpc.name, at: Date.now(), faultCode: FaultCode.METHOD_NOT_SUPPORTED });
        const fault = cwmpFault(FaultCode.METHOD_NOT_SUPPORTED);
        reply = await this.post(buildEnvelope(fault, { id: reply.unknownRpc.id }, version), 'Fault', report);
        continue;
      }
      if (!reply.envelope) return;
      const request = reply.envelope.body;
      if (!isAcsRequest(request)) throw new CwmpSessionError(`unexpected ${request.kind} from the ACS`);
      const receivedAt = Date.now();
      const injected = this.rpcFaults.get(request.kind);
      const outcome = injected ? { response: cwmpFault(injected.code, injected.message) } : this.handler.handle(request);
      report.rpcs.push(
        outcome.response.kind === 'Fault'
          ? { method: request.kind, at: receivedAt, faultCode: outcome.response.faultCode }
          : { method: request.kind, at: receivedAt },
      );
      if (outcome.action) actions.push(outcome.action);
      const header: CwmpHeader = reply.envelope.header.id !== undefined ? { id: reply.envelope.header.id } : {};
      reply = await this.post(buildEnvelope(outcome.response, header, version), outcome.response.kind, report);
    }
  }

  private async post(body: string, label: string, report: SessionReport): Promise<AcsReply> {
    report.cpeRequests.push(label);
    const response = await this.client.post(body, (status) => report.httpStatuses.push(status));
    if (response.status === 503) {
      const wait = response.retryAfter !== undefined ? `, Retry-After ${response.retryAfter} s` : '';
      throw new CwmpSessionError(`the ACS is unavailable (HTTP 503${wait})`, response.retryAfter);
    }
    if (response.status !== 200 && response.status !== 204) {
      throw new CwmpSessionError(`the ACS answered ${label} with HTTP ${response.status}`);
    }
    if (response.status === 204 || response.body.trim() === '') return { envelope: null };
    try {
      return { envelope: parseEnvelope(response.body) };
    } catch (error) {
      if (error instanceof CwmpParseError && error.code === 'unknown-rpc') {
        return { envelope: null, unknownRpc: { name: error.rpcName ?? 'unknown', id: cwmpIdOf(response.body) } };
      }
      throw new CwmpSessionError(`cannot read the ACS's answer to ${label}: ${(error as Error).message}`);
    }
  }

  private informParameterList(changed: string[]): ParameterValueStruct[] {
    if (this.informNames?.revision !== this.model.revision) {
      this.informNames = { revision: this.model.revision, names: informParameterNames(this.model) };
    }
    const names = [...this.informNames.names];
    for (const name of changed) if (!names.includes(name)) names.push(name);
    const list: ParameterValueStruct[] = [];
    for (const name of names) {
      const parameter = this.model.get(name);
      if (parameter && !parameter.object) list.push({ name, value: cwmpValueOf(parameter.type, parameter.value) });
    }
    return list;
  }

  private eventsForInform(explicit: Array<string | EventStruct> | undefined): EventStruct[] {
    const events: EventStruct[] = [];
    const add = (event: EventStruct): void => {
      const single = !event.eventCode.startsWith('M ');
      if (events.some((e) => e.eventCode === event.eventCode && (single || e.commandKey === event.commandKey))) return;
      events.push(event);
    };
    for (const event of explicit ?? []) add(typeof event === 'string' ? { eventCode: event, commandKey: '' } : event);
    for (const event of this.pendingEvents) add(event);
    for (const transfer of this.transfers) {
      add({ eventCode: EventCode.TRANSFER_COMPLETE, commandKey: '' });
      const method = transfer.direction === 'download' ? EventCode.M_DOWNLOAD : EventCode.M_UPLOAD;
      add({ eventCode: method, commandKey: transfer.message.commandKey });
    }
    if (this.changed.size > 0) add({ eventCode: EventCode.VALUE_CHANGE, commandKey: '' });
    if (events.length === 0) {
      if (this.bootstrapped) add({ eventCode: EventCode.PERIODIC, commandKey: '' });
      else {
        add({ eventCode: EventCode.BOOTSTRAP, commandKey: '' });
        add({ eventCode: EventCode.BOOT, commandKey: '' });
      }
    }
    return events.sort((a, b) => eventRank(a.eventCode) - eventRank(b.eventCode));
  }

  private apply(action: DeviceAction): void {
    switch (action.kind) {
      case 'reboot':
        this.reboot([
          { eventCode: EventCode.BOOT, commandKey: '' },
          { eventCode: EventCode.M_REBOOT, commandKey: action.commandKey },
        ]);
        return;
      case 'factoryReset': {
        // The installed firmware survives a factory reset; the configuration does not.
        const installed = this.softwareVersion;
        this.model.reset();
        this.setIfPresent(`${this.model.root}.DeviceInfo.SoftwareVersion`, installed);
        this.bootstrapped = false;
        this.pendingEvents = [];
        this.transfers = [];
        this.changed.clear();
        this.reboot([
          { eventCode: EventCode.BOOTSTRAP, commandKey: '' },
          { eventCode: EventCode.BOOT, commandKey: '' },
        ]);
        return;
      }
      case 'transfer': {
        if (action.direction === 'download' && action.fileType === FIRMWARE_FILE_TYPE && !action.url.startsWith('http://fail')) {
          this.later(action.delaySeconds * 1000, () => this.startFirmwareUpgrade(action));
          return;
        }
        const startTime = new Date().toISOString();
        const complete = (): void => {
          const failed = action.url.startsWith('http://fail');
          const code = action.direction === 'download' ? FaultCode.FILE_TRANSFER_FAILURE : FaultCode.UPLOAD_FAILURE;
          const fault: FaultStruct = failed ? { faultCode: code, faultString: faultString(code) } : { faultCode: 0, faultString: '' };
          this.transfers.push({
            direction: action.direction,
            message: { kind: 'TransferComplete', commandKey: action.commandKey, fault, startTime, completeTime: new Date().toISOString() },
          });
          this.requestSession();
        };
        this.later((this.options.transferDelayMs ?? 0) + action.delaySeconds * 1000, complete);
        return;
      }
      case 'scheduleInform':
        this.later(action.delaySeconds * 1000, () => {
          this.addPendingEvent({ eventCode: EventCode.SCHEDULED, commandKey: '' });
          this.addPendingEvent({ eventCode: EventCode.M_SCHEDULE_INFORM, commandKey: action.commandKey });
          this.requestSession();
        });
        return;
    }
  }

  /** A firmware Download: fetched and installed in the background; sessions by hand wait for it (runSession). */
  private startFirmwareUpgrade(action: Extract<DeviceAction, { kind: 'transfer' }>): void {
    const startTime = new Date().toISOString();
    const record: FirmwareDownloadRecord = {
      commandKey: action.commandKey,
      url: action.url,
      fileSize: action.fileSize,
      startedAt: Date.now(),
      state: 'downloading',
      bytes: 0,
      attempts: [],
      previousVersion: this.softwareVersion,
    };
    this.firmwareDownloads.push(record);
    const signal = this.firmwareAbort.signal;
    const job = upgradeFirmware(action, record, {
      device: { oui: this.deviceIdStruct.oui, productClass: this.deviceIdStruct.productClass },
      currentVersion: record.previousVersion,
      behaviour: this.options.firmware ?? {},
      localAddress: this.options.localAddress,
      signal,
      failure: () => this.firmwareFailure,
      installFaultDraw: unitHash(`${this.deviceId}/install-fault`),
      sleep: (ms) => abortableDelay(ms, signal),
    })
      .then(
        (outcome) => {
          record.state = 'done';
          record.completedAt = Date.now();
          record.bootedVersion = outcome.bootedVersion;
          if (outcome.sendTransferComplete) {
            record.faultCode = outcome.fault.faultCode;
            record.faultString = outcome.fault.faultString;
            this.transfers.push({
              direction: 'download',
              message: { kind: 'TransferComplete', commandKey: action.commandKey, fault: outcome.fault, startTime, completeTime: new Date().toISOString() },
            });
          }
          if (!outcome.reboot) return this.requestSession();
          // Rebooting into an image: SoftwareVersion is a forced inform parameter, so the BOOT Inform carries it.
          this.setIfPresent(`${this.model.root}.DeviceInfo.SoftwareVersion`, outcome.bootedVersion);
          this.reboot([{ eventCode: EventCode.BOOT, commandKey: '' }]);
        },
        (error: unknown) => {
          record.state = 'done';
          record.completedAt = Date.now();
          if (signal.aborted) {
            // Stopped mid-upgrade: as a CPE switched off, nothing is reported.
            record.faultString = 'the CPE was stopped during the upgrade';
            return;
          }
          const fault = { faultCode: FaultCode.INTERNAL_ERROR, faultString: `${faultString(FaultCode.INTERNAL_ERROR)}: ${(error as Error).message}` };
          record.faultCode = fault.faultCode;
          record.faultString = fault.faultString;
          this.transfers.push({
            direction: 'download',
            message: { kind: 'TransferComplete', commandKey: action.commandKey, fault, startTime, completeTime: new Date().toISOString() },
          });
          this.requestSession();
        },
      )
      .finally(() => this.firmwareJobs.delete(job));
    this.firmwareJobs.add(job);
  }

  private reboot(events: EventStruct[]): void {
    this.bootedAt = Date.now();
    this.diagnostics.reboot();
    this.lineMonitor.reboot();
    for (const event of events) this.addPendingEvent(event);
    this.later(this.options.rebootDelayMs ?? 0, () => this.requestSession());
  }

  /** Runs `task` now when the delay is 0 (so a hand-driven CPE sees its effect in its next session), else later. */
  private later(delayMs: number, task: () => void): void {
    if (delayMs <= 0) return task();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, delayMs);
    this.timers.add(timer);
  }

  private addPendingEvent(event: EventStruct): void {
    const single = !event.eventCode.startsWith('M ');
    const known = this.pendingEvents.some(
      (e) => e.eventCode === event.eventCode && (single || e.commandKey === event.commandKey),
    );
    if (!known) this.pendingEvents.push(event);
  }

  /** A started CPE opens a session for its pending events (after the current one, if any). */
  private requestSession(): void {
    if (!this.started || this.automaticQueued) return;
    this.automaticQueued = true;
    const run = this.queue.then(() => {
      this.automaticQueued = false;
      // A CPE flashing an image does not inform; the end of the install asks for the session.
      if (this.firmwareDownloads.some((d) => d.state === 'installing')) return undefined;
      // What asked for this session may have gone out in one run by hand meanwhile.
      if (this.pendingEvents.length === 0 && this.transfers.length === 0 && this.changed.size === 0) return undefined;
      return this.session(undefined);
    });
    this.queue = run.catch(() => undefined);
  }

  private scheduleNext(report: SessionReport): void {
    if (this.periodicTimer) clearTimeout(this.periodicTimer);
    const root = this.model.root;
    let delayMs: number;
    if (report.error) {
      // TR-069 3.2.1.1: wait m·(k/1000)^(n-1) … m·(k/1000)^n seconds, or what the ACS asked for.
      const m = Number(this.model.value(`${root}.ManagementServer.CWMPRetryMinimumWaitInterval`) ?? 5) || 5;
      const k = (Number(this.model.value(`${root}.ManagementServer.CWMPRetryIntervalMultiplier`) ?? 2000) || 2000) / 1000;
      const n = Math.min(this.retryCount, 10);
      const low = m * k ** (n - 1);
      delayMs = report.retryAfter !== undefined ? report.retryAfter * 1000 : (low + Math.random() * (m * k ** n - low)) * 1000;
    } else {
      if (this.model.value(`${root}.ManagementServer.PeriodicInformEnable`) === 'false') return;
      const interval = Number(this.model.value(`${root}.ManagementServer.PeriodicInformInterval`) ?? 0) || 3600;
      delayMs = interval * 1000 * (0.9 + Math.random() * 0.2);
    }
    this.periodicTimer = setTimeout(() => {
      this.periodicTimer = undefined;
      if (!report.error) this.addPendingEvent({ eventCode: EventCode.PERIODIC, commandKey: '' });
      this.requestSession();
    }, delayMs);
  }

  private async openConnectionRequestListener(): Promise<void> {
    const shared = this.options.connectionRequestListener;
    const own = this.options.connectionRequest;
    if (!shared && !own) return;
    let listener = shared;
    if (!listener) {
      listener = this.ownListener = new ConnectionRequestListener({ host: own!.host, port: own!.port });
      await listener.listen();
    }
    this.connectionRequestPath = `/${this.deviceId}`;
    listener.register(this.connectionRequestPath, {
      credentials: () => this.connectionRequestCredentials(),
      onConnectionRequest: () => {
        this.addPendingEvent({ eventCode: EventCode.CONNECTION_REQUEST, commandKey: '' });
        this.requestSession();
      },
    });
    this.setIfPresent(`${this.model.root}.ManagementServer.ConnectionRequestURL`, listener.urlFor(this.connectionRequestPath));
    this.model.markFactoryState();
  }

  private async openUdpConnectionRequestListener(): Promise<void> {
    const options = this.options.udpConnectionRequest;
    if (!options) return;
    const listener = new UdpConnectionRequestListener({ host: options.host, port: options.port });
    await listener.listen();
    this.udpListener = listener;
    listener.register({
      credentials: () => this.connectionRequestCredentials(),
      onConnectionRequest: () => {
        this.addPendingEvent({ eventCode: EventCode.CONNECTION_REQUEST, commandKey: '' });
        this.requestSession();
      },
    });
    this.setIfPresent(`${this.model.root}.ManagementServer.UDPConnectionRequestAddress`, listener.address);
    this.model.markFactoryState();
  }

  private connectionRequestCredentials(): Credentials | undefined {
    const ms = `${this.model.root}.ManagementServer.`;
    const username = this.model.value(`${ms}ConnectionRequestUsername`) ?? this.options.connectionRequest?.username;
    const password = this.model.value(`${ms}ConnectionRequestPassword`) ?? this.options.connectionRequest?.password;
    return username ? { username, password: password ?? '' } : undefined;
  }

  private setIfPresent(name: string, value: string): void {
    if (!this.model.has(name)) return;
    try {
      this.model.set(name, value);
    } catch (error) {
      if (!(error instanceof DataModelError)) throw error;
    }
  }

  private nextMessageId(): string {
    return String(++this.messageCount);
  }
}

function isActiveNotification(notification: number): boolean {
  // 2 active; 4 and 5 include active lightweight notification (TR-069 Amendment 5 / 6).
  return notification === 2 || notification === 4 || notification === 5;
}

function isTransferEvent(event: EventStruct): boolean {
  return event.eventCode === EventCode.M_DOWNLOAD || event.eventCode === EventCode.M_UPLOAD;
}

function eventRank(code: string): number {
  const numeric = /^(\d+) /.exec(code);
  if (numeric) return Number(numeric[1]);
  return code.startsWith('M ') ? 100 : 200;
}

/** A distinct, stable, public-looking (CGNAT range) WAN address per serial number. */
function wanAddressFor(serial: string): string {
  let hash = 2166136261;
  for (let i = 0; i < serial.length; i++) hash = Math.imul(hash ^ serial.charCodeAt(i), 16777619) >>> 0;
  return `100.${64 + ((hash >>> 16) & 63)}.${(hash >>> 8) & 255}.${1 + ((hash & 255) % 254)}`;
}

/** The cwmp:ID of an envelope the codec could not read (to answer an unknown RPC with a fault). */
function cwmpIdOf(xml: string): string | undefined {
  return /<(?:[\w-]+:)?ID\b[^>]*>([^<]*)</.exec(xml)?.[1]?.trim();
}
