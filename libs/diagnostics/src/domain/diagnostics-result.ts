import type { DataModelRoot, DiagnosticsKind, DiagnosticsObject, ResultParameter } from './diagnostics-catalog';
import { requireDiagnostics } from './diagnostics-request';
import { readBoolean, readCount, readDecimal, readList, readText, readTime, type ReadValues, type ReportedTime } from './diagnostics-values';

/** A reported value, typed by its catalog type; undefined when the device did not report it. */
export type ReportedValue = string | number | boolean | string[] | ReportedTime | undefined;
export type ReportedFields = Record<string, ReportedValue>;

/** What a completed test measured: the catalog's result fields by key, tables as rows, and what is computed. */
export interface DiagnosticsMeasurement {
  fields: ReportedFields;
  tables: Record<string, ReportedFields[]>;
  /** Download/upload: bytes × 8 / (EOM − BOM) in bit/s; ping/UDP echo: loss ratio (0..1). */
  computed: ComputedFigures;
}

export interface ComputedFigures {
  /** Download/upload: test bytes × 8 / (EOMTime − BOMTime in s). */
  throughputBitsPerSecond?: number;
  /** Download/upload: EOMTime − BOMTime. */
  transferDurationUs?: number;
  /** Multi-connection time-based tests: bytes under full loading × 8 / PeriodOfFullLoading. */
  fullLoadingThroughputBitsPerSecond?: number;
  /** Ping and UDP echo: failures / (successes + failures). */
  lossRatio?: number;
}

export type DiagnosticsOutcome =
  | { status: 'complete'; kind: DiagnosticsKind; state: string; measurement: DiagnosticsMeasurement }
  | { status: 'failed'; kind: DiagnosticsKind; state: string; reason: string };

/** Why a test failed, by DiagnosticsState: what an operator reads instead of `Error_NoPASV`. */
export const ERROR_STATE_REASONS: Readonly<Record<string, string>> = {
  Error: 'the test failed (the device gave no detail)',
  Error_CannotResolveHostName: 'the device could not resolve the host name',
  Error_NoRouteToHost: 'the device has no route to the host',
  Error_MaxHopCountExceeded: 'the host was not reached within MaxHopCount hops',
  Error_InitConnectionFailed: 'the connection to the server could not be opened',
  Error_NoResponse: 'the server did not respond',
  Error_TransferFailed: 'the transfer started but failed',
  Error_PasswordRequestFailed: 'the FTP server refused the user name (password request failed)',
  Error_LoginFailed: 'the server refused the login',
  Error_NoTransferMode: 'the FTP server refused the transfer mode',
  Error_NoPASV: 'the FTP server refused passive mode (PASV)',
  Error_NoCWD: 'the FTP server refused to change directory (CWD)',
  Error_NoSTOR: 'the FTP server refused the upload (STOR)',
  Error_NoTransferComplete: 'the server did not confirm the end of the upload',
  Error_IncorrectSize: 'the size transferred is not the size expected',
  Error_Timeout: 'the test timed out on the device',
  Error_RejectedByRemote: 'the measurement server rejected the test',
  Error_DNSServerNotResolved: 'the DNS server could not be resolved',
  Error_Internal: 'the device reported an internal error',
  Error_Other: 'the device reported an unspecified error',
};

/** Reasons for states that are not errors but are not a result either, after `8 DIAGNOSTICS COMPLETE`. */
const NOT_RUN_REASONS: Readonly<Record<string, string>> = {
  None: 'the device reset the test before it completed (state None: an input was changed, or it rebooted)',
  Requested: 'the device reported completion but the state is still Requested',
  Canceled: 'the test was cancelled',
};

/**
 * Reads a test's outcome from the values read after `8 DIAGNOSTICS COMPLETE` (a GetParameterValues of the object's
 * path). Tolerant: a missing or empty optional value is absent from the result, the unknown time is no time, and a
 * TR-181 device saying `Completed` (deleted in 2.17) or a TR-098 one saying `Complete` still completes.
 */
export function parseResult(kind: DiagnosticsKind, root: DataModelRoot, values: ReadValues): DiagnosticsOutcome {
  const diagnostics = requireDiagnostics(kind, root);
  const state = readText(values[diagnostics.path + diagnostics.stateParameter]) ?? '';
  if (state !== 'Complete' && state !== 'Completed') {
    return { status: 'failed', kind, state, reason: failureReason(state) };
  }
  const fields = readFields(diagnostics.path, diagnostics.results, values);
  if (fields['successCount'] === 0) dropResponseTimes(fields);
  const tables = Object.fromEntries(diagnostics.tables.map((table) => [table.key, readTable(diagnostics, table.object, table.parameters, values)]));
  return { status: 'complete', kind, state, measurement: { fields, tables, computed: compute(diagnostics, fields) } };
}

export function failureReason(state: string): string {
  if (state === '') return 'the device did not report a DiagnosticsState';
  const known = ERROR_STATE_REASONS[state] ?? NOT_RUN_REASONS[state];
  if (known) return known;
  return state.startsWith('Error') ? `the device reported ${state}` : `the device reported an unexpected state ${JSON.stringify(state)}`;
}

function readFields(prefix: string, parameters: readonly ResultParameter[], values: ReadValues): ReportedFields {
  const fields: ReportedFields = {};
  for (const parameter of parameters) {
    const value = readTyped(parameter, values[prefix + parameter.name]);
    if (value !== undefined) fields[parameter.key] = value;
  }
  return fields;
}

function readTyped(parameter: ResultParameter, value: ReadValues[string]): ReportedValue {
  switch (parameter.type) {
    case 'string':
      return readText(value);
    case 'unsignedInt':
    case 'unsignedLong':
      return readCount(value);
    case 'decimal':
      return readDecimal(value);
    case 'boolean':
      return readBoolean(value);
    case 'dateTime':
      return readTime(value);
    case 'list': {
      const items = readList(value);
      return items.length > 0 ? items : undefined;
    }
  }
}

/**
 * A table's rows by instance number. Instances are found from the paths read, not from NumberOfEntries, which sloppy
 * devices leave at 0 or stale; numbering may have gaps, rows come in instance order.
 */
function readTable(diagnostics: DiagnosticsObject, object: string, parameters: readonly ResultParameter[], values: ReadValues): ReportedFields[] {
  const prefix = `${diagnostics.path}${object}.`;
  const instances = new Set<number>();
  for (const path of Object.keys(values)) {
    if (!path.startsWith(prefix)) continue;
    const m = /^(\d+)\./.exec(path.slice(prefix.length));
    if (m) instances.add(Number(m[1]));
  }
  return [...instances]
    .sort((a, b) => a - b)
    .map((instance) => ({ instance, ...readFields(`${prefix}${instance}.`, parameters, values) }));
}

function compute(diagnostics: DiagnosticsObject, fields: ReportedFields): ComputedFigures {
  switch (diagnostics.kind) {
    case 'download':
    case 'upload':
      return transferFigures(diagnostics, fields);
    case 'ipPing':
    case 'udpEcho':
      return lossFigures(fields);
    default:
      return {};
  }
}

/**
 * TR-143's throughput: the test bytes over the BOM–EOM interval (the payload's first to last byte, so connection set-up
 * and the request are excluded). Download counts TestBytesReceived; upload TestBytesSent when the model has it
 * (TR-181 2.9+), else TestFileLength — TR-098 reports only TotalBytesSent, which counts every byte of the interface.
 */
function transferFigures(diagnostics: DiagnosticsObject, fields: ReportedFields): ComputedFigures {
  const figures: ComputedFigures = {};
  const bom = fields['bomTime'] as ReportedTime | undefined;
  const eom = fields['eomTime'] as ReportedTime | undefined;
  const testBytes = positive(fields['testBytes']) ?? (diagnostics.kind === 'upload' ? positive(fields['testFileLength']) : undefined);
  if (bom && eom && eom.epochUs > bom.epochUs) {
    figures.transferDurationUs = eom.epochUs - bom.epochUs;
    if (testBytes !== undefined) figures.throughputBitsPerSecond = bitsPerSecond(testBytes, figures.transferDurationUs);
  }
  const loadedBytes = positive(fields['testBytesUnderFullLoading']);
  const loadedUs = positive(fields['periodOfFullLoadingUs']);
  if (loadedBytes !== undefined && loadedUs !== undefined) figures.fullLoadingThroughputBitsPerSecond = bitsPerSecond(loadedBytes, loadedUs);
  return figures;
}

function lossFigures(fields: ReportedFields): ComputedFigures {
  const success = fields['successCount'] as number | undefined;
  const failure = fields['failureCount'] as number | undefined;
  if (success === undefined || failure === undefined || success + failure === 0) return {};
  return { lossRatio: failure / (success + failure) };
}

// With no reply at all, devices report 0 ms (or leave the previous run's figures): not a response time.
function dropResponseTimes(fields: ReportedFields): void {
  for (const key of ['averageMs', 'minimumMs', 'maximumMs', 'averageUs', 'minimumUs', 'maximumUs']) delete fields[key];
}

function positive(value: ReportedValue): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

function bitsPerSecond(bytes: number, micros: number): number {
  return Math.round((bytes * 8 * 1_000_000) / micros);
}
