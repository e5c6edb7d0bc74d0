import type { AcsRequest, CpeRequest, CpeResponse, CwmpFault, CwmpVersion, Inform } from '@acs/cwmp';

/**
 * The internal `cwmp.events` topic: what the gateway saw in CWMP sessions, keyed by device id. Consumed by
 * provisioning, diagnostics and the other services; not a public contract (the `acs.*` topics are).
 */
export const CwmpEventType = {
  inform: 'cwmp.inform',
  cpeRequest: 'cwmp.cpe-request',
  rpcResult: 'cwmp.rpc.result',
  rpcFault: 'cwmp.rpc.fault',
  sessionClosed: 'cwmp.session.closed',
  /** The outcome of a connection request the gateway pool sent. */
  connectionRequest: 'cwmp.connection-request',
} as const;
export type CwmpEventType = (typeof CwmpEventType)[keyof typeof CwmpEventType];

interface SessionScoped {
  sessionId: string;
  deviceId: string;
}

export interface InformEventData extends SessionScoped {
  cwmpVersion: CwmpVersion;
  inform: Inform;
  remoteAddress: string;
}

/** A CPE-initiated request other than Inform (TransferComplete, RequestDownload, Kicked…), already answered. */
export interface CpeRequestEventData extends SessionScoped {
  request: Exclude<CpeRequest, Inform>;
}

export interface RpcResultEventData extends SessionScoped {
  itemId: string;
  taskId?: string;
  request: AcsRequest;
  response: CpeResponse;
}

export interface RpcFaultEventData extends SessionScoped {
  itemId: string;
  taskId?: string;
  request: AcsRequest;
  fault: CwmpFault;
}

export type SessionCloseReason =
  | 'completed'
  | 'deadline'
  | 'rpc-limit'
  | 'superseded'
  | 'protocol-error';

export interface SessionClosedEventData extends SessionScoped {
  reason: SessionCloseReason;
  rpcCount: number;
  durationMs: number;
}

/** Outcome of a connection request: `woke` (HTTP 2xx), `sent` (UDP, unacknowledged by design), or why not. */
export type ConnectionRequestResult = 'woke' | 'sent' | 'auth-failed' | 'unreachable' | 'timeout' | 'rate-limited' | 'no-address';

export interface ConnectionRequestEventData {
  deviceId: string;
  /** The tasks that asked for it. */
  taskIds: string[];
  result: ConnectionRequestResult;
  via: 'http' | 'udp' | 'none';
  status?: number;
  durationMs: number;
  message: string;
}

/**
 * The internal `cwmp.commands` topic: work for the gateway pool. Connection-request credentials travel in it, so the
 * topic must be protected like the rest of the internal topics (Kafka ACLs, TLS).
 */
export const CwmpCommandType = {
  connectionRequest: 'cwmp.command.connection-request',
} as const;

export interface ConnectionRequestCommand {
  deviceId: string;
  taskIds: string[];
  url?: string;
  udpAddress?: string;
  username?: string;
  password?: string;
}

/**
 * Provisioning marks each answer it has processed (in the session store's planned-mark space) so the gateway, when
 * a task's answer left the queue empty, can wait briefly for the task's next step before ending the session.
 */
export function answerProcessedMark(sessionId: string, itemId: string): string {
  return `${sessionId}:answer:${itemId}`;
}
