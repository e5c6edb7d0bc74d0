import { acsV1 } from '@acs/contracts';
import { unary, ValidationError } from '@acs/platform';
import type { AuditEntry, AuditLog } from '../audit/audit-log.port';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

/** AuditService: the audit log, newest first, paged by the position of the last record returned. */
export function auditServiceOf(log: AuditLog): acsV1.AuditServiceServer {
  return {
    listAuditRecords: unary<acsV1.ListAuditRecordsRequest, acsV1.ListAuditRecordsResponse>(async (request) => {
      const limit = request.pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(request.pageSize, MAX_PAGE_SIZE);
      const before = decodeCursor(request.pageToken);
      const from = request.startTime?.getTime();
      const to = request.endTime?.getTime();
      if (from !== undefined && to !== undefined && to <= from) throw ValidationError.forField('end_time', 'must be after start_time', 'BAD_VALUE');
      // One more than asked tells whether another page follows without counting.
      const entries = await log.list({
        ...(request.client ? { client: request.client } : {}),
        ...(request.resourceType ? { resourceType: request.resourceType } : {}),
        ...(request.outcome ? { outcome: request.outcome } : {}),
        ...(before ? { before } : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        limit: limit + 1,
      });
      const page = entries.slice(0, limit);
      const last = page[page.length - 1];
      return { records: page.map(recordOf), nextPageToken: entries.length > limit && last ? encodeCursor(last) : '' };
    }),
  };
}

function recordOf(entry: AuditEntry): acsV1.AuditRecord {
  return { ...entry, time: new Date(entry.time), durationMs: Math.max(0, Math.round(entry.durationMs)) };
}

function encodeCursor(entry: AuditEntry): string {
  return Buffer.from(JSON.stringify([entry.time, entry.id]), 'utf8').toString('base64url');
}

function decodeCursor(token: string): { time: number; id: string } | undefined {
  if (token === '') return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === 'string') {
      return { time: value[0] as number, id: value[1] };
    }
  } catch {
    // not ours; answered below
  }
  throw ValidationError.forField('page_token', 'not a page token of this listing', 'BAD_FORMAT');
}
