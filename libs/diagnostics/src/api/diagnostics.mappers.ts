import type { UdpEchoResponder } from '../domain/udp-echo-responder';
import type { TaskNowOutcome } from '../usecases/run-ports';
import { acsV1 as pb } from '@acs/contracts';
import { ValidationError } from '@acs/platform';

import type { DiagnosticsKind } from '../domain/diagnostics-catalog';
import type { DiagnosticsMeasurement, ReportedFields, ReportedValue } from '../domain/diagnostics-result';
import type { ReportedTime } from '../domain/diagnostics-values';
import { dataModelNameOf, type DiagnosticRun, type DiagnosticRunStatus } from '../domain/diagnostic-run';
import { flatFieldsOf, roundTripsOf } from '../domain/run-summary';

const KINDS: ReadonlyArray<readonly [pb.DiagnosticKind, DiagnosticsKind]> = [
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_IP_PING, 'ipPing'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_TRACE_ROUTE, 'traceRoute'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_DOWNLOAD, 'download'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_UPLOAD, 'upload'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_UDP_ECHO, 'udpEcho'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_SERVER_SELECTION, 'serverSelection'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_NS_LOOKUP, 'nsLookup'],
  [pb.DiagnosticKind.DIAGNOSTIC_KIND_IP_LAYER_CAPACITY, 'ipLayerCapacity'],
];

const STATUSES: ReadonlyArray<readonly [pb.DiagnosticStatus, DiagnosticRunStatus]> = [
  [pb.DiagnosticStatus.DIAGNOSTIC_STATUS_RUNNING, 'running'],
  [pb.DiagnosticStatus.DIAGNOSTIC_STATUS_COMPLETE, 'complete'],
  [pb.DiagnosticStatus.DIAGNOSTIC_STATUS_FAILED, 'failed'],
  [pb.DiagnosticStatus.DIAGNOSTIC_STATUS_TIMED_OUT, 'timedOut'],
  [pb.DiagnosticStatus.DIAGNOSTIC_STATUS_CANCELLED, 'cancelled'],
];

/** The domain's kind; '' for UNSPECIFIED (RunDiagnostic then says `kind` is required); unknown numbers are refused. */
export function kindFromProto(kind: pb.DiagnosticKind, field = 'kind'): DiagnosticsKind | '' {
  if (kind === pb.DiagnosticKind.DIAGNOSTIC_KIND_UNSPECIFIED) return '';
  const found = KINDS.find(([proto]) => proto === kind);
  if (!found) throw ValidationError.forField(field, `unknown diagnostic kind ${kind}`, 'BAD_FORMAT');
  return found[1];
}

export function kindToProto(kind: DiagnosticsKind): pb.DiagnosticKind {
  return KINDS.find(([, domain]) => domain === kind)![0];
}

/** The domain's status; undefined for UNSPECIFIED (any). */
export function statusFromProto(value: pb.DiagnosticStatus): DiagnosticRunStatus | undefined {
  if (value === pb.DiagnosticStatus.DIAGNOSTIC_STATUS_UNSPECIFIED) return undefined;
  const found = STATUSES.find(([proto]) => proto === value);
  if (!found) throw ValidationError.forField('status', `unknown diagnostic status ${value}`, 'BAD_FORMAT');
  return found[1];
}

export function statusToProto(value: DiagnosticRunStatus): pb.DiagnosticStatus {
  return STATUSES.find(([, domain]) => domain === value)![0];
}

export function runToProto(run: DiagnosticRun): pb.DiagnosticRun {
  const ended = run.status !== 'running' && run.status !== 'complete';
  const result = run.status === 'complete' && run.measurement ? resultToProto(run.kind, run.measurement) : undefined;
  return {
    id: run.id,
    deviceId: run.deviceId,
    kind: kindToProto(run.kind),
    dataModel: dataModelNameOf(run.root),
    objectPath: run.objectPath,
    inputs: { ...run.inputs },
    valuesSet: run.valuesSet.map((value) => ({ path: value.path, value: String(value.value), type: `xsd:${value.type}` })),
    status: statusToProto(run.status),
    state: run.state ?? '',
    requestedBy: run.requestedBy ?? '',
    createTime: new Date(run.createdAt),
    deadlineTime: new Date(run.deadline),
    ...(run.completedAt !== undefined ? { completeTime: new Date(run.completedAt) } : {}),
    ...(ended ? { failure: { state: run.state ?? '', reason: run.reason ?? '' } } : {}),
    ...(result ? { result } : {}),
    fields: run.status === 'complete' && run.measurement ? flatFieldsOf(run.measurement) : {},
    setTaskId: run.setTaskId ?? '',
    readTaskId: run.readTaskId ?? '',
  };
}

/** The typed result of a kind, read from the measurement's keys (the same on both data models). */
export function resultToProto(kind: DiagnosticsKind, measurement: DiagnosticsMeasurement): pb.DiagnosticRun['result'] {
  const { fields, tables, computed } = measurement;
  const f = new FieldReader(fields);
  switch (kind) {
    case 'ipPing':
      return { $case: 'ping', ping: { successCount: f.count('successCount'), failureCount: f.count('failureCount'), ...roundTripsOf(fields), ...opt('lossRatio', computed.lossRatio), ipAddressUsed: f.text('ipAddressUsed') } };
    case 'udpEcho':
      return { $case: 'udpEcho', udpEcho: { successCount: f.count('successCount'), failureCount: f.count('failureCount'), ...roundTripsOf(fields), ...opt('lossRatio', computed.lossRatio), ipAddressUsed: f.text('ipAddressUsed') } };
    case 'traceRoute':
      return {
        $case: 'traceRoute',
        traceRoute: {
          hops: (tables['hops'] ?? []).map((row) => {
            const hop = new FieldReader(row);
            return { host: hop.text('host'), address: hop.text('hostAddress'), rttMs: hop.list('rttMs').map(Number).filter((n) => Number.isFinite(n) && n >= 0), errorCode: hop.count('errorCode') };
          }),
          ...opt('responseTimeMs', f.number('responseTimeMs')),
          ipAddressUsed: f.text('ipAddressUsed'),
        },
      };
    case 'download':
    case 'upload': {
      const transfer: pb.TransferResult = {
        ...times(f, ['romTime', 'bomTime', 'eomTime', 'tcpOpenRequestTime', 'tcpOpenResponseTime']),
        ...opt('testBytes', f.number('testBytes')),
        ...opt('totalBytesReceived', f.number('totalBytesReceived')),
        ...opt('totalBytesSent', f.number('totalBytesSent')),
        ...opt('transferDurationUs', computed.transferDurationUs),
        ...opt('throughputBps', computed.throughputBitsPerSecond),
        ...opt('fullLoadingThroughputBps', computed.fullLoadingThroughputBitsPerSecond),
        ...opt('periodOfFullLoadingUs', f.number('periodOfFullLoadingUs')),
        ...opt('testFileLength', f.number('testFileLength')),
        ipAddressUsed: f.text('ipAddressUsed'),
      };
      return kind === 'download' ? { $case: 'download', download: transfer } : { $case: 'upload', upload: transfer };
    }
    case 'serverSelection':
      return { $case: 'serverSelection', serverSelection: { fastestHost: f.text('fastestHost'), ...roundTripsOf(fields), ipAddressUsed: f.text('ipAddressUsed') } };
    case 'nsLookup':
      return {
        $case: 'nsLookup',
        nsLookup: {
          successCount: f.count('successCount'),
          answers: (tables['answers'] ?? []).map((row) => {
            const answer = new FieldReader(row);
            return {
              status: answer.text('status'),
              answerType: answer.text('answerType'),
              hostNameReturned: answer.text('hostNameReturned'),
              ipAddresses: answer.list('ipAddresses'),
              dnsServerIp: answer.text('dnsServerIp'),
              ...opt('responseTimeMs', answer.number('responseTimeMs')),
            };
          }),
        },
      };
    case 'ipLayerCapacity':
      return {
        $case: 'ipLayerCapacity',
        ipLayerCapacity: {
          ...opt('maxIpLayerCapacityMbps', f.number('maxIpLayerCapacityMbps')),
          ...times(f, ['timeOfMax', 'bomTime', 'eomTime']),
          ...opt('lossRatioAtMax', f.number('lossRatioAtMax')),
          ...opt('rttRangeAtMaxS', f.number('rttRangeAtMaxS')),
          ...opt('pdvRangeAtMaxS', f.number('pdvRangeAtMaxS')),
          ...opt('minOnewayDelayAtMaxS', f.number('minOnewayDelayAtMaxS')),
          ...opt('ipLayerCapacitySummaryMbps', f.number('ipLayerCapacitySummaryMbps')),
          ...opt('lossRatioSummary', f.number('lossRatioSummary')),
          ...opt('minRttSummaryS', f.number('minRttSummaryS')),
        },
      };
  }
}

/** Reads a row of reported fields by key, absent values as the proto's defaults. */
class FieldReader {
  constructor(private readonly fields: ReportedFields) {}

  text(key: string): string {
    const value: ReportedValue = this.fields[key];
    return typeof value === 'string' ? value : value === undefined ? '' : String(value);
  }

  number(key: string): number | undefined {
    const value = this.fields[key];
    return typeof value === 'number' ? value : undefined;
  }

  count(key: string): number {
    return this.number(key) ?? 0;
  }

  list(key: string): string[] {
    const value = this.fields[key];
    return Array.isArray(value) ? [...value] : [];
  }

  time(key: string): Date | undefined {
    const value = this.fields[key] as ReportedTime | undefined;
    return value && typeof value === 'object' && 'epochUs' in value ? new Date(Math.floor(value.epochUs / 1000)) : undefined;
  }
}

function times<K extends string>(f: FieldReader, keys: readonly K[]): Partial<Record<K, Date>> {
  const out: Partial<Record<K, Date>> = {};
  for (const key of keys) {
    const time = f.time(key);
    if (time) out[key] = time;
  }
  return out;
}

function opt<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** How a UDP echo responder call's task stands. */
export function responderTaskToProto(outcome: Omit<TaskNowOutcome, 'values'>): pb.UdpEchoResponderTask {
  return { taskId: outcome.taskId, status: outcome.status.toUpperCase(), fault: outcome.fault ?? '' };
}

export function udpEchoResponderToProto(responder: UdpEchoResponder): pb.UdpEchoResponder {
  return { ...responder };
}
