import type { SessionReport } from '../session/session-report';

export interface FleetReport {
  cpes: number;
  sessions: { total: number; ok: number; failed: number };
  /** ACS RPCs by method. */
  rpcs: Record<string, number>;
  /** Faults the CPEs answered with, by code. */
  faults: Record<string, number>;
  httpStatuses: Record<string, number>;
  /** Failure messages by count (the most frequent first, at most 10). */
  errors: Array<{ error: string; count: number }>;
  /** Session durations. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** From the first session's start to the last one's end. */
  wallMs: number;
  sessionsPerSecond: number;
}

export function summariseSessions(cpes: number, reports: SessionReport[]): FleetReport {
  const rpcs: Record<string, number> = {};
  const faults: Record<string, number> = {};
  const httpStatuses: Record<string, number> = {};
  const errors = new Map<string, number>();
  const durations: number[] = [];
  let ok = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const report of reports) {
    if (report.error) errors.set(report.error, (errors.get(report.error) ?? 0) + 1);
    else ok++;
    for (const rpc of report.rpcs) {
      rpcs[rpc.method] = (rpcs[rpc.method] ?? 0) + 1;
      if (rpc.faultCode !== undefined) faults[rpc.faultCode] = (faults[rpc.faultCode] ?? 0) + 1;
    }
    for (const status of report.httpStatuses) httpStatuses[status] = (httpStatuses[status] ?? 0) + 1;
    durations.push(report.durationMs);
    first = Math.min(first, report.startedAt);
    last = Math.max(last, report.startedAt + report.durationMs);
  }
  durations.sort((a, b) => a - b);
  const at = (p: number): number => (durations.length ? durations[Math.min(durations.length - 1, Math.floor(p * durations.length))]! : 0);
  const wallMs = reports.length ? last - first : 0;
  return {
    cpes,
    sessions: { total: reports.length, ok, failed: reports.length - ok },
    rpcs,
    faults,
    httpStatuses,
    errors: [...errors]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([error, count]) => ({ error, count })),
    latencyMs: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: durations.length ? durations[durations.length - 1]! : 0,
      mean: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : 0,
    },
    wallMs,
    sessionsPerSecond: wallMs > 0 ? (reports.length * 1000) / wallMs : 0,
  };
}

/** Where a fleet's firmware upgrades stand (every CPE's downloads so far). */
export interface FleetFirmwareSummary {
  downloads: number;
  underWay: number;
  /** TransferComplete without fault. */
  succeeded: number;
  /** Count per TransferComplete fault code. */
  faults: Record<string, number>;
  /** Finished without a TransferComplete (injected noTransferComplete). */
  unreported: number;
  bytes: number;
  /** CPEs per SoftwareVersion now. */
  versions: Record<string, number>;
}

/** One line on the fleet's firmware upgrades, for a terminal. */
export function formatFirmwareSummary(summary: FleetFirmwareSummary): string {
  const faults = Object.entries(summary.faults).map(([code, count]) => `${code}=${count}`).join(' ') || '-';
  const versions = Object.entries(summary.versions).map(([version, count]) => `${version}=${count}`).join(' ');
  return (
    `firmware        ${summary.downloads} downloads (${summary.underWay} under way, ${summary.succeeded} ok, ` +
    `${summary.unreported} unreported, faults ${faults}), ${(summary.bytes / 2 ** 20).toFixed(1)} MiB; versions ${versions}`
  );
}

/** The report as a few lines of text for a terminal. */
export function formatFleetReport(report: FleetReport): string {
  const counts = (record: Record<string, number>): string =>
    Object.entries(record)
      .map(([key, count]) => `${key}=${count}`)
      .join(' ') || '-';
  const l = report.latencyMs;
  const lines = [
    `cpes            ${report.cpes}`,
    `sessions        ${report.sessions.total} (${report.sessions.ok} ok, ${report.sessions.failed} failed) in ${(report.wallMs / 1000).toFixed(1)} s, ${report.sessionsPerSecond.toFixed(0)}/s`,
    `latency ms      p50 ${l.p50.toFixed(1)}  p90 ${l.p90.toFixed(1)}  p99 ${l.p99.toFixed(1)}  max ${l.max.toFixed(1)}  mean ${l.mean.toFixed(1)}`,
    `http statuses   ${counts(report.httpStatuses)}`,
    `acs rpcs        ${counts(report.rpcs)}`,
    `cpe faults      ${counts(report.faults)}`,
  ];
  for (const { error, count } of report.errors) lines.push(`error ×${count}    ${error}`);
  return lines.join('\n');
}
