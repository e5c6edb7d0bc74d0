import { DataModel, DataModelError } from '../data-model/data-model';
import {
  type DiagnosticsOutcome,
  type TestContext,
  ipLayerCapacity,
  ipPing,
  microsecondTime,
  nsLookup,
  seededRandom,
  serverSelection,
  traceRoute,
  udpEcho,
} from './computed-results';
import { type DiagnosticsObjectModel, declaredErrorState, diagnosticsObjectsOf } from './diagnostics-objects';
import { type TransferResult, TransferFailedError, httpDownload, httpUpload, preciseNow } from './http-transfer';
import { type DiagnosticsKind, type NetworkConditions } from './network-conditions';

/** One test a CPE ran (or is running), for a test to look at. */
export interface DiagnosticsRecord {
  kind: DiagnosticsKind;
  path: string;
  requestedAt: number;
  startedAt?: number;
  endedAt?: number;
  /** The DiagnosticsState it ended in; 'None' when cancelled. Absent while it runs. */
  state?: string;
  /** Why it failed, for an Error_* state. */
  reason?: string;
}

export interface DiagnosticsRunnerOptions {
  model: DataModel;
  conditions: () => NetworkConditions;
  /** Stable per CPE: seeds the computed results. */
  seed: string;
  wanAddress: () => string;
  localAddress?: string;
  /** A test ended (not cancelled): the CPE informs with 8 DIAGNOSTICS COMPLETE. */
  onComplete: (record: DiagnosticsRecord) => void;
}

interface Running {
  record: DiagnosticsRecord;
  abort: AbortController;
  done: Promise<void>;
}

const CANCELLED = 'the test was cancelled';

/**
 * The TR-143 behaviour of a CPE's diagnostics objects (TR-181 DiagnosticsState data type): a test set to Requested
 * starts once the session that asked for it is over; changing an input cancels it (state None); setting Requested
 * again restarts it; Canceled (TR-181) stops it. An ended test writes its results, then its state, and the CPE
 * informs with `8 DIAGNOSTICS COMPLETE`.
 */
export class DiagnosticsRunner {
  readonly records: DiagnosticsRecord[] = [];
  private readonly objects: DiagnosticsObjectModel[];
  private readonly requested = new Map<string, DiagnosticsRecord>();
  private readonly running = new Map<string, Running>();
  private runs = 0;

  constructor(private readonly options: DiagnosticsRunnerOptions) {
    this.objects = diagnosticsObjectsOf(options.model);
  }

  private get model(): DataModel {
    return this.options.model;
  }

  /** A SetParameterValues check: DiagnosticsState takes only Requested (and Canceled where declared). */
  refuse(name: string, value: string): string | undefined {
    const object = this.objectOf(name);
    if (!object || name !== `${object.path}DiagnosticsState`) return undefined;
    if (value === 'Requested' || (value === 'Canceled' && object.states.includes('Canceled'))) return undefined;
    return `${name} can only be set to Requested${object.states.includes('Canceled') ? ' or Canceled' : ''}`;
  }

  /** After a SetParameterValues from the ACS was applied: what it means for each diagnostics object it touched. */
  parametersSet(names: readonly string[]): void {
    for (const object of this.objects) {
      const touched = names.filter((n) => n.startsWith(object.path));
      if (touched.length === 0) continue;
      const stateName = `${object.path}DiagnosticsState`;
      this.cancel(object);
      if (touched.includes(stateName) && this.model.value(stateName) === 'Requested') {
        this.requested.set(object.path, { kind: object.kind, path: object.path, requestedAt: Date.now() });
      } else {
        this.model.set(stateName, 'None');
      }
    }
  }

  /** The session is over: the tests requested in it start. */
  sessionEnded(): void {
    for (const [path, record] of this.requested) {
      this.requested.delete(path);
      const object = this.objects.find((o) => o.path === path)!;
      this.start(object, record);
    }
  }

  /** A reboot ends every test under way; their state goes back to None. */
  reboot(): void {
    for (const object of this.objects) {
      if (this.requested.has(object.path) || this.running.has(object.path)) {
        this.cancel(object);
        this.model.set(`${object.path}DiagnosticsState`, 'None');
      }
    }
  }

  /** Resolves once no test is running, except those made never to complete. */
  async settled(): Promise<void> {
    for (;;) {
      const finite = [...this.running.values()].filter((r) => !this.options.conditions().neverComplete.includes(r.record.kind));
      if (finite.length === 0) return;
      await Promise.all(finite.map((r) => r.done));
    }
  }

  /** Tests that are running now (kinds). */
  get underWay(): DiagnosticsKind[] {
    return [...this.running.values()].map((r) => r.record.kind);
  }

  private objectOf(name: string): DiagnosticsObjectModel | undefined {
    return this.objects.find((o) => name.startsWith(o.path));
  }

  private cancel(object: DiagnosticsObjectModel): void {
    this.requested.delete(object.path);
    const running = this.running.get(object.path);
    if (!running) return;
    this.running.delete(object.path);
    running.record.state = 'None';
    running.record.reason = CANCELLED;
    running.record.endedAt = Date.now();
    running.abort.abort(new Error(CANCELLED));
  }

  private start(object: DiagnosticsObjectModel, record: DiagnosticsRecord): void {
    record.startedAt = Date.now();
    this.records.push(record);
    const abort = new AbortController();
    const run = this.runs++;
    const done = this.outcome(object, abort.signal, run, record).then(
      (outcome) => {
        if (abort.signal.aborted) return;
        this.running.delete(object.path);
        this.write(object, outcome);
        record.state = this.model.value(`${object.path}DiagnosticsState`);
        record.endedAt = Date.now();
        this.options.onComplete(record);
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        // A fault of the simulator itself is reported as the device's internal error, not lost.
        this.running.delete(object.path);
        record.reason = (error as Error).message;
        this.write(object, { state: declaredErrorState(object, 'Error_Internal'), values: {}, tables: {} });
        record.state = this.model.value(`${object.path}DiagnosticsState`);
        record.endedAt = Date.now();
        this.options.onComplete(record);
      },
    );
    this.running.set(object.path, { record, abort, done });
  }

  private async outcome(object: DiagnosticsObjectModel, signal: AbortSignal, run: number, record: DiagnosticsRecord): Promise<DiagnosticsOutcome> {
    const conditions = this.options.conditions();
    if (conditions.neverComplete.includes(object.kind)) {
      await new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    }
    await sleep(conditions.testDurationMs, signal);
    const forced = conditions.forcedStates[object.kind];
    if (forced) return { state: forced, values: {}, tables: {} };
    const input = (name: string): string => this.model.value(`${object.path}${name}`) ?? '';
    const context: TestContext = {
      conditions,
      random: seededRandom(hash(`${this.options.seed}/${object.kind}/${run}`)),
      now: preciseNow,
      wanAddress: this.options.wanAddress(),
      input,
    };
    switch (object.kind) {
      case 'ipPing':
        return ipPing(object, context);
      case 'traceRoute':
        return traceRoute(object, context);
      case 'udpEcho':
        return udpEcho(object, context);
      case 'serverSelection':
        return serverSelection(object, context);
      case 'nsLookup':
        return nsLookup(object, context);
      case 'ipLayerCapacity':
        return ipLayerCapacity(object, context);
      case 'download':
      case 'upload':
        return this.transfer(object, context, signal, record);
    }
  }

  private async transfer(object: DiagnosticsObjectModel, context: TestContext, signal: AbortSignal, record: DiagnosticsRecord): Promise<DiagnosticsOutcome> {
    const download = object.kind === 'download';
    const options = {
      bitsPerSecond: download ? context.conditions.downloadBitsPerSecond : context.conditions.uploadBitsPerSecond,
      timeoutMs: context.conditions.httpTimeoutMs,
      signal,
      localAddress: this.options.localAddress,
    };
    const length = Number(context.input('TestFileLength')) || 0;
    let result: TransferResult;
    try {
      result = download ? await httpDownload(context.input('DownloadURL'), options) : await httpUpload(context.input('UploadURL'), length, options);
    } catch (error) {
      if (!(error instanceof TransferFailedError)) throw error;
      const state = declaredErrorState(object, `Error_${error.failure}`);
      record.reason = error.message;
      return { state, values: {}, tables: {} };
    }
    const times = {
      ROMTime: microsecondTime(result.romTime),
      BOMTime: microsecondTime(result.bomTime),
      EOMTime: microsecondTime(result.eomTime),
      TCPOpenRequestTime: microsecondTime(result.tcpOpenRequestTime),
      TCPOpenResponseTime: microsecondTime(result.tcpOpenResponseTime),
    };
    const values: Record<string, string> = {
      ...times,
      IPAddressUsed: context.wanAddress,
      TotalBytesReceived: String(result.totalBytesReceived),
      TotalBytesSent: String(result.totalBytesSent),
      PeriodOfFullLoading: String(Math.round((result.eomTime - result.bomTime) * 1000)),
    };
    if (download) {
      values.TestBytesReceived = String(result.testBytes);
      values.TestBytesReceivedUnderFullLoading = String(result.testBytes);
      values.TotalBytesReceivedUnderFullLoading = String(result.totalBytesReceived);
      values.TotalBytesSentUnderFullLoading = String(result.totalBytesSent);
    } else {
      values.TestFileLength = String(length);
      values.TestBytesSent = String(result.testBytes);
      values.TestBytesSentUnderFullLoading = String(result.testBytes);
      values.TotalBytesReceivedUnderFullLoading = String(result.totalBytesReceived);
      values.TotalBytesSentUnderFullLoading = String(result.totalBytesSent);
    }
    return { state: object.completeState, values, tables: {} };
  }

  /** Results first, the state last: an ACS reading on DIAGNOSTICS COMPLETE sees finished results. */
  private write(object: DiagnosticsObjectModel, outcome: DiagnosticsOutcome): void {
    for (const [name, value] of Object.entries(outcome.values)) this.setIfPresent(`${object.path}${name}`, value);
    for (const table of this.tablesOf(object)) this.model.clearTable(table);
    for (const [table, rows] of Object.entries(outcome.tables)) {
      const path = `${object.path}${table}.`;
      if (!this.model.has(path)) continue;
      for (const row of rows) {
        const n = this.model.addObject(path, 'device');
        for (const [name, value] of Object.entries(row)) this.setIfPresent(`${path}${n}.${name}`, value);
      }
    }
    const state = outcome.state === object.completeState || object.states.includes(outcome.state) ? outcome.state : declaredErrorState(object, outcome.state);
    this.model.set(`${object.path}DiagnosticsState`, state);
  }

  private tablesOf(object: DiagnosticsObjectModel): string[] {
    return this.model.children(object.path).filter((p) => p.object).map((p) => p.name);
  }

  private setIfPresent(name: string, value: string): void {
    if (!this.model.has(name)) return;
    try {
      this.model.set(name, value);
    } catch (error) {
      if (!(error instanceof DataModelError)) throw error;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}
