import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The gateway's Prometheus metrics. Label children are cached: `labels()` per request costs a map lookup. */
export class GatewayMetrics {
  readonly sessionsStarted: Counter;
  readonly sessionsCompleted: Counter<'reason'>;
  readonly sessionsFailed: Counter<'reason'>;
  readonly rpcs: Counter<'method'>;
  readonly faults: Counter<'code'>;
  readonly cpeRequests: Counter<'method'>;
  readonly rejected: Counter<'reason'>;
  readonly sessionDuration: Histogram;
  readonly sessionsInFlight: Gauge;
  readonly eventsDeferred: Counter;
  readonly eventsRelayed: Counter;
  readonly connectionRequests: Counter<'result'>;
  readonly authFailures: Counter<'reason'>;
  readonly authLockouts: Counter<'scope'>;
  readonly authLockedOut: Counter<'scope'>;
  readonly authLockedKeys: Gauge<'scope'>;
  /** Read at scrape time rather than updated per request. */
  inFlightSource: () => number = () => 0;
  /** Locked keys of a scope in the shared lockout store, read at scrape time; none until the gateway wires it. */
  lockedKeysSource: (scope: 'device' | 'source') => Promise<number> = async () => 0;

  constructor(registry: Registry) {
    const registers = [registry];
    this.sessionsStarted = new Counter({ name: 'acs_cwmp_sessions_started_total', help: 'CWMP sessions opened by an Inform', registers });
    this.sessionsCompleted = new Counter({
      name: 'acs_cwmp_sessions_completed_total',
      help: 'CWMP sessions ended normally, by reason (completed, deadline, rpc-limit)',
      labelNames: ['reason'],
      registers,
    });
    this.sessionsFailed = new Counter({
      name: 'acs_cwmp_sessions_failed_total',
      help: 'CWMP sessions ended by an error, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.rpcs = new Counter({ name: 'acs_cwmp_rpcs_total', help: 'RPCs the ACS sent to CPEs, by method', labelNames: ['method'], registers });
    this.faults = new Counter({ name: 'acs_cwmp_faults_total', help: 'CWMP faults, by fault code (sent or received)', labelNames: ['code'], registers });
    this.cpeRequests = new Counter({
      name: 'acs_cwmp_cpe_requests_total',
      help: 'Requests CPEs sent to the ACS, by method',
      labelNames: ['method'],
      registers,
    });
    this.rejected = new Counter({
      name: 'acs_cwmp_requests_rejected_total',
      help: 'HTTP requests refused before or during a session, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.sessionDuration = new Histogram({
      name: 'acs_cwmp_session_duration_seconds',
      help: 'Time from Inform to the end of the session',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.eventsDeferred = new Counter({
      name: 'acs_cwmp_events_deferred_total',
      help: 'Events kept in the outbox because the bus did not take them in time',
      registers,
    });
    this.eventsRelayed = new Counter({ name: 'acs_cwmp_events_relayed_total', help: 'Deferred events published by the outbox relay', registers });
    this.connectionRequests = new Counter({
      name: 'acs_cwmp_connection_requests_total',
      help: 'Connection requests sent to CPEs, by outcome (woke, sent, auth-failed, unreachable, timeout, rate-limited, no-address)',
      labelNames: ['result'],
      registers,
    });
    this.authFailures = new Counter({
      name: 'acs_cwmp_auth_failures_total',
      help: 'Failed CPE authentications counted towards lockouts, by reason (invalid credentials, unknown-device)',
      labelNames: ['reason'],
      registers,
    });
    this.authLockouts = new Counter({
      name: 'acs_cwmp_auth_lockouts_total',
      help: 'CPE authentication lockouts this pod started, by scope (device, source)',
      labelNames: ['scope'],
      registers,
    });
    this.authLockedOut = new Counter({
      name: 'acs_cwmp_auth_locked_out_requests_total',
      help: 'Requests refused (503) without checking their credentials because their device or source is locked, by scope',
      labelNames: ['scope'],
      registers,
    });
    const lockedKeys = (scope: 'device' | 'source') => this.lockedKeysSource(scope);
    this.authLockedKeys = new Gauge({
      name: 'acs_cwmp_auth_locked_keys',
      help: 'Device ids and source addresses locked out now, by scope; the shared store\'s figure, the same on every pod',
      labelNames: ['scope'],
      registers,
      async collect() {
        const [device, source] = await Promise.all([lockedKeys('device'), lockedKeys('source')]);
        this.set({ scope: 'device' }, device);
        this.set({ scope: 'source' }, source);
      },
    });
    const source = () => this.inFlightSource();
    this.sessionsInFlight = new Gauge({
      name: 'acs_cwmp_sessions_in_flight',
      help: 'Sessions this pod opened that no pod has ended yet (as last read from the session store)',
      registers,
      collect() {
        this.set(source());
      },
    });
  }
}
