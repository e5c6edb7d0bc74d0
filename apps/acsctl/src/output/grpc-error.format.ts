import { status, type ServiceError } from '@grpc/grpc-js';
import { errorDetailsOf } from '@acs/platform';

export function statusName(code: number): string {
  return status[code] ?? String(code);
}

/**
 * `error: CODE: message` and one indented line per google.rpc detail the server attached (the trailer
 * `grpc-status-details-bin`), so a refused preset shows every field violation, not just the summary.
 */
export function formatServiceError(error: ServiceError): string[] {
  const lines = [`error: ${statusName(error.code)}: ${error.details || error.message}`];
  const details = errorDetailsOf(error);
  for (const v of details.badRequest?.fieldViolations ?? []) lines.push(`  ${v.field || '(request)'}: ${v.description}${v.reason ? ` [${v.reason}]` : ''}`);
  for (const v of details.preconditionFailure?.violations ?? []) {
    lines.push(`  precondition ${v.type}${v.subject ? ` (${v.subject})` : ''}: ${v.description}`);
  }
  if (details.resourceInfo) {
    const r = details.resourceInfo;
    lines.push(`  resource: ${r.resourceType} ${r.resourceName}${r.description ? ` — ${r.description}` : ''}`);
  }
  if (details.errorInfo) {
    const e = details.errorInfo;
    const metadata = Object.entries(e.metadata).map(([k, v]) => ` ${k}=${v}`).join('');
    lines.push(`  reason: ${e.reason}${e.domain ? ` (${e.domain})` : ''}${metadata}`);
  }
  if (details.retryInfo?.retryDelay) {
    const d = details.retryInfo.retryDelay;
    lines.push(`  retry after: ${d.seconds + d.nanos / 1e9}s`);
  }
  if (error.code === status.UNAUTHENTICATED) lines.push('  hint: give a token with --token, --token-file, ACSCTL_TOKEN or ACSCTL_TOKEN_FILE, or a client certificate');
  if (error.code === status.UNAVAILABLE && /ECONNREFUSED|No connection established|connect/i.test(error.details)) {
    lines.push('  hint: is the ACS public API listening there? (--server HOST:PORT or ACSCTL_SERVER)');
  }
  return lines;
}
