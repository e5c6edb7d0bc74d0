/** What one CWMP session of a simulated CPE looked like from the CPE's side. */
export interface SessionReport {
  /** 0 for the CPE's first session, then one more per session. */
  sessionIndex: number;
  deviceId: string;
  /** The event codes of the Inform. */
  events: string[];
  /** The ACS's RPCs in order: when each was received (epoch ms), with the fault code when the CPE answered with a fault. */
  rpcs: Array<{ method: string; at: number; faultCode?: number }>;
  /** What each HTTP POST carried: 'Inform', 'TransferComplete', a response kind ('GetParameterValuesResponse', 'Fault'), or '(empty)'. */
  cpeRequests: string[];
  /** Every HTTP status received, 401 challenges included. */
  httpStatuses: number[];
  /** Epoch ms. */
  startedAt: number;
  durationMs: number;
  /** Why the session failed; absent when it completed with the ACS's final empty response. */
  error?: string;
  /** Seconds the ACS asked the CPE to wait (503 with Retry-After). */
  retryAfter?: number;
}

/** The session ended without the ACS's final empty response. */
export class CwmpSessionError extends Error {
  constructor(
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'CwmpSessionError';
  }
}
