/**
 * One audited call of the public API: who (client and how it authenticated), what (method, resource type, action,
 * target), when, and how it ended. Every mutating call is recorded, and every call refused for want of a role.
 */
export interface AuditEntry {
  id: string;
  /** Epoch ms when the call arrived. */
  time: number;
  client: string;
  authentication: 'token' | 'certificate';
  /**
   * Which of the client's credentials: the token's label (`sha256:` and 12 hex digits of its digest when it has
   * none) or the certificate's subject; '' in entries written before it was recorded.
   */
  credential: string;
  /** Full gRPC method path, `/acs.v1.TaskService/CreateTask`. */
  method: string;
  resourceType: string;
  action: string;
  /** Device id, task id, preset name… the call was about; '' when none. */
  target: string;
  /** gRPC status code name: `OK`, `PERMISSION_DENIED`, … */
  outcome: string;
  /** The error message when the call failed; '' on success. */
  message: string;
  peer: string;
  durationMs: number;
}

export interface AuditQuery {
  client?: string;
  resourceType?: string;
  outcome?: string;
  /** Only entries with `time` at or after this (epoch ms). */
  from?: number;
  /** Only entries with `time` before this (epoch ms). */
  to?: number;
  /** Newest first; only entries strictly older than this position (the last entry of the previous page). */
  before?: { time: number; id: string };
  limit: number;
}

/** Port: where audit entries are kept. `record` resolves once the entry is durable. */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Matching entries, newest first (time, then id, descending). */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Health: resolves when entries can be recorded. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
