import { acsV1 } from '@acs/contracts';
import { diagnosticKindLabel } from '../diagnostics/diag-request.builder';
import { formatTime, type Column } from './output-writer';

type Run = acsV1.DiagnosticRun;

/** `DIAGNOSTIC_STATUS_TIMED_OUT` → `TIMED_OUT`. */
export function diagnosticStatusLabel(status: acsV1.DiagnosticStatus): string {
  return acsV1.diagnosticStatusToJSON(status).replace(/^DIAGNOSTIC_STATUS_/, '');
}

/** `running`, `TIMED_OUT`, `DIAGNOSTIC_STATUS_COMPLETE` → the status; undefined when it names none. */
export function parseDiagnosticStatus(text: string): acsV1.DiagnosticStatus | undefined {
  const upper = text.trim().toUpperCase().replace(/-/g, '_');
  const status = acsV1.diagnosticStatusFromJSON(upper.startsWith('DIAGNOSTIC_STATUS_') ? upper : `DIAGNOSTIC_STATUS_${upper}`);
  return status === acsV1.DiagnosticStatus.UNRECOGNIZED || status === acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_UNSPECIFIED ? undefined : status;
}

/**
 * The result of a run the way the usual tool prints it (ping's statistics, traceroute's hops, nslookup's answers,
 * bytes and Mbit/s for transfers); for a run that did not complete, its state and reason. `run.inputs` gives the
 * target the tools name in their headings.
 */
export function describeDiagnosticRun(run: Run): string[] {
  if (run.status === acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_RUNNING) return [`${diagnosticKindLabel(run.kind)} ${run.id}: still running (deadline ${formatTime(run.deadlineTime)})`];
  if (run.status !== acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_COMPLETE || !run.result) return [describeFailure(run)];
  const result = run.result;
  switch (result.$case) {
    case 'ping':
      return describeEcho('ping', run.inputs.Host ?? '', result.ping);
    case 'udpEcho':
      return describeEcho('UDP echo', `${run.inputs.Host ?? ''}${run.inputs.Port ? `:${run.inputs.Port}` : ''}`, result.udpEcho);
    case 'traceRoute':
      return describeTraceRoute(run.inputs.Host ?? '', run.inputs.MaxHopCount, result.traceRoute);
    case 'download':
      return describeTransfer('download', run.inputs.DownloadURL ?? '', result.download);
    case 'upload':
      return describeTransfer('upload', run.inputs.UploadURL ?? '', result.upload);
    case 'nsLookup':
      return describeNsLookup(run.inputs.HostName ?? '', result.nsLookup);
    case 'serverSelection':
      return describeServerSelection(result.serverSelection);
    case 'ipLayerCapacity':
      return describeCapacity(result.ipLayerCapacity);
  }
}

/** `FAILED Error_CannotResolveHostName: the device could not resolve the host name`. */
export function describeFailure(run: Run): string {
  const state = run.failure?.state || run.state;
  const reason = run.failure?.reason;
  return `${diagnosticKindLabel(run.kind)} ${run.id}: ${diagnosticStatusLabel(run.status)}${state ? ` ${state}` : ''}${reason ? `: ${reason}` : ''}`;
}

/** iputils ping's closing statistics (no mdev: TR-143 reports min/avg/max only). */
function describeEcho(what: string, host: string, echo: acsV1.PingResult | acsV1.UdpEchoResult): string[] {
  const sent = echo.successCount + echo.failureCount;
  const lines = [`${what === 'ping' ? 'PING' : 'UDP ECHO'} ${host}${echo.ipAddressUsed ? ` from ${echo.ipAddressUsed}` : ''}`, ''];
  lines.push(`--- ${host} ${what} statistics ---`);
  const loss = sent === 0 ? 0 : (echo.failureCount / sent) * 100;
  lines.push(`${sent} packets transmitted, ${echo.successCount} received, ${Number(loss.toFixed(4))}% packet loss`);
  if (echo.successCount > 0 && echo.minRttMs !== undefined && echo.avgRttMs !== undefined && echo.maxRttMs !== undefined) {
    lines.push(`rtt min/avg/max = ${echo.minRttMs.toFixed(3)}/${echo.avgRttMs.toFixed(3)}/${echo.maxRttMs.toFixed(3)} ms`);
  }
  return lines;
}

/** traceroute's lines: ` 1  host (address)  6 ms  7 ms`, `*` for a probe without answer. */
function describeTraceRoute(host: string, maxHops: string | undefined, trace: acsV1.TraceRouteResult): string[] {
  const lines = [`traceroute to ${host}${maxHops ? `, ${maxHops} hops max` : ''}${trace.ipAddressUsed ? `, from ${trace.ipAddressUsed}` : ''}`];
  const width = String(trace.hops.length).length;
  trace.hops.forEach((hop, i) => {
    const who = hop.host && hop.address && hop.host !== hop.address ? `${hop.host} (${hop.address})` : hop.host || hop.address || '*';
    const rtts = hop.rttMs.length > 0 ? hop.rttMs.map((ms) => `${ms} ms`).join('  ') : '*';
    const error = hop.errorCode !== 0 ? `  !${hop.errorCode}` : '';
    lines.push(`${String(i + 1).padStart(Math.max(2, width))}  ${who}  ${rtts}${error}`);
  });
  if (trace.responseTimeMs !== undefined) lines.push(`response time ${trace.responseTimeMs} ms`);
  return lines;
}

/** Bytes, times and throughput of a download or upload. */
function describeTransfer(what: 'download' | 'upload', url: string, transfer: acsV1.TransferResult): string[] {
  const lines = [`${what} ${url}`];
  const pairs: Array<[string, string | undefined]> = [
    ['test bytes', transfer.testBytes === undefined ? undefined : `${transfer.testBytes}${transfer.testFileLength !== undefined ? ` (file length ${transfer.testFileLength})` : ''}`],
    ['total bytes', totalBytes(transfer)],
    ['request (ROM)', preciseTime(transfer.romTime)],
    ['first byte (BOM)', preciseTime(transfer.bomTime)],
    ['last byte (EOM)', preciseTime(transfer.eomTime)],
    ['TCP open', tcpOpen(transfer)],
    ['transfer time', transfer.transferDurationUs === undefined ? undefined : `${(transfer.transferDurationUs / 1e6).toFixed(3)} s (BOM → EOM)`],
    ['throughput', transfer.throughputBps === undefined ? undefined : `${mbps(transfer.throughputBps)} Mbit/s`],
    ['full-loading throughput', transfer.fullLoadingThroughputBps === undefined ? undefined : `${mbps(transfer.fullLoadingThroughputBps)} Mbit/s`],
    ['address used', transfer.ipAddressUsed || undefined],
  ];
  return [...lines, ...labelled(pairs)];
}

function totalBytes(transfer: acsV1.TransferResult): string | undefined {
  const parts = [
    transfer.totalBytesReceived === undefined ? undefined : `${transfer.totalBytesReceived} received`,
    transfer.totalBytesSent === undefined ? undefined : `${transfer.totalBytesSent} sent`,
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function tcpOpen(transfer: acsV1.TransferResult): string | undefined {
  if (!transfer.tcpOpenRequestTime || !transfer.tcpOpenResponseTime) return undefined;
  return `${((transfer.tcpOpenResponseTime.getTime() - transfer.tcpOpenRequestTime.getTime()) / 1000).toFixed(3)} s`;
}

/** nslookup's answers: the server, then per answer the name and its addresses, or its error. */
function describeNsLookup(host: string, lookup: acsV1.NsLookupResult): string[] {
  const lines: string[] = [];
  let server: string | undefined;
  for (const answer of lookup.answers) {
    if (answer.dnsServerIp && answer.dnsServerIp !== server) {
      server = answer.dnsServerIp;
      lines.push(`Server:\t\t${server}`, '');
    }
    if (answer.status !== 'Success') {
      lines.push(answer.status === 'Error_HostNameNotResolved' ? `** server can't find ${host}: NXDOMAIN` : `;; ${answer.status}: no answer for ${host}`, '');
      continue;
    }
    if (answer.answerType === 'NonAuthoritative') lines.push('Non-authoritative answer:');
    lines.push(`Name:\t${answer.hostNameReturned || host}`);
    for (const address of answer.ipAddresses) lines.push(`Address: ${address}`);
    if (answer.responseTimeMs !== undefined) lines.push(`;; answered in ${answer.responseTimeMs} ms`);
    lines.push('');
  }
  lines.push(`${lookup.successCount} of ${lookup.answers.length} lookups answered`);
  return lines;
}

function describeServerSelection(selection: acsV1.ServerSelectionResult): string[] {
  const lines = [`fastest host: ${selection.fastestHost || '(none)'}`];
  if (selection.minRttMs !== undefined && selection.avgRttMs !== undefined && selection.maxRttMs !== undefined) {
    lines.push(`rtt min/avg/max = ${selection.minRttMs.toFixed(3)}/${selection.avgRttMs.toFixed(3)}/${selection.maxRttMs.toFixed(3)} ms`);
  }
  return lines;
}

function describeCapacity(capacity: acsV1.IpLayerCapacityResult): string[] {
  const seconds = (s: number | undefined): string | undefined => (s === undefined ? undefined : `${(s * 1000).toFixed(3)} ms`);
  return labelled([
    ['max IP-layer capacity', capacity.maxIpLayerCapacityMbps === undefined ? undefined : `${capacity.maxIpLayerCapacityMbps.toFixed(2)} Mbit/s`],
    ['at', preciseTime(capacity.timeOfMax)],
    ['loss ratio at max', capacity.lossRatioAtMax === undefined ? undefined : String(capacity.lossRatioAtMax)],
    ['RTT range at max', seconds(capacity.rttRangeAtMaxS)],
    ['PDV range at max', seconds(capacity.pdvRangeAtMaxS)],
    ['min one-way delay at max', seconds(capacity.minOnewayDelayAtMaxS)],
    ['capacity (summary)', capacity.ipLayerCapacitySummaryMbps === undefined ? undefined : `${capacity.ipLayerCapacitySummaryMbps.toFixed(2)} Mbit/s`],
    ['loss ratio (summary)', capacity.lossRatioSummary === undefined ? undefined : String(capacity.lossRatioSummary)],
    ['min RTT (summary)', seconds(capacity.minRttSummaryS)],
    ['test', capacity.bomTime && capacity.eomTime ? `${preciseTime(capacity.bomTime)} → ${preciseTime(capacity.eomTime)}` : undefined],
  ]);
}

/** A one-line summary of a run's outcome, for tables: `5/5 received, rtt 30.1 ms`, `19.98 Mbit/s`, the failure. */
export function summarizeDiagnosticRun(run: Run): string {
  if (run.status !== acsV1.DiagnosticStatus.DIAGNOSTIC_STATUS_COMPLETE || !run.result) {
    return [run.failure?.state, run.failure?.reason].filter(Boolean).join(': ');
  }
  const result = run.result;
  const rtt = (ms: number | undefined): string => (ms === undefined ? '' : `, rtt ${ms.toFixed(1)} ms`);
  switch (result.$case) {
    case 'ping':
      return `${result.ping.successCount}/${result.ping.successCount + result.ping.failureCount} received${rtt(result.ping.avgRttMs)}`;
    case 'udpEcho':
      return `${result.udpEcho.successCount}/${result.udpEcho.successCount + result.udpEcho.failureCount} echoed${rtt(result.udpEcho.avgRttMs)}`;
    case 'traceRoute':
      return `${result.traceRoute.hops.length} hops${result.traceRoute.responseTimeMs === undefined ? '' : `, ${result.traceRoute.responseTimeMs} ms`}`;
    case 'download':
      return result.download.throughputBps === undefined ? 'complete' : `${mbps(result.download.throughputBps)} Mbit/s`;
    case 'upload':
      return result.upload.throughputBps === undefined ? 'complete' : `${mbps(result.upload.throughputBps)} Mbit/s`;
    case 'nsLookup':
      return [...new Set(result.nsLookup.answers.flatMap((a) => a.ipAddresses))].join(' ') || `${result.nsLookup.successCount} answered`;
    case 'serverSelection':
      return `${result.serverSelection.fastestHost}${rtt(result.serverSelection.avgRttMs)}`;
    case 'ipLayerCapacity':
      return result.ipLayerCapacity.maxIpLayerCapacityMbps === undefined ? 'complete' : `max ${result.ipLayerCapacity.maxIpLayerCapacityMbps.toFixed(2)} Mbit/s`;
  }
}

/** The run itself (who, what, when), without its result. */
export function diagnosticRunFields(run: Run): Array<[string, string | undefined]> {
  return [
    ['id', run.id],
    ['device', run.deviceId],
    ['test', `${diagnosticKindLabel(run.kind)} (${run.objectPath}, ${run.dataModel})`],
    ['inputs', Object.entries(run.inputs).map(([k, v]) => `${k}=${v}`).join(' ')],
    ['status', diagnosticStatusLabel(run.status)],
    ['state', run.state],
    ['requested by', run.requestedBy],
    ['created', formatTime(run.createTime)],
    ['deadline', formatTime(run.deadlineTime)],
    ['ended', formatTime(run.completeTime)],
  ];
}

export const DIAGNOSTIC_COLUMNS: ReadonlyArray<Column<Run>> = [
  { header: 'ID', cell: (r) => r.id },
  { header: 'DEVICE', cell: (r) => r.deviceId },
  { header: 'TEST', cell: (r) => diagnosticKindLabel(r.kind) },
  { header: 'STATUS', cell: (r) => diagnosticStatusLabel(r.status) },
  { header: 'CREATED', cell: (r) => formatTime(r.createTime) },
  { header: 'RESULT', cell: summarizeDiagnosticRun },
];

function labelled(pairs: ReadonlyArray<readonly [string, string | undefined]>): string[] {
  const shown = pairs.filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '');
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1));
  return shown.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`);
}

/** ISO 8601 UTC to the millisecond: transfer times matter below the second. */
function preciseTime(time: Date | undefined): string | undefined {
  return time?.toISOString();
}

function mbps(bitsPerSecond: number): string {
  return (bitsPerSecond / 1e6).toFixed(2);
}
