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
  /** Read at scrape time rather than updated per request. */
  inFlightSource: () => number = () => 0;

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
