/** The TR-143 tests a simulated CPE runs, named as the ACS's diagnostics catalog names them. */
export type DiagnosticsKind = 'ipPing' | 'traceRoute' | 'download' | 'upload' | 'udpEcho' | 'serverSelection' | 'nsLookup' | 'ipLayerCapacity';

export const DIAGNOSTICS_KINDS: readonly DiagnosticsKind[] = [
  'ipPing', 'traceRoute', 'download', 'upload', 'udpEcho', 'serverSelection', 'nsLookup', 'ipLayerCapacity',
];

/**
 * The network a simulated CPE sits on, from which its diagnostics draw their results. Download and upload tests
 * transfer for real over HTTP, at most at these rates; the other tests are computed from the figures.
 */
export interface NetworkConditions {
  /** Round-trip time to a host (ms). */
  latencyMs: number;
  /** Each RTT varies by up to ± this (ms). */
  jitterMs: number;
  /** Share of packets lost, 0…1. */
  lossRatio: number;
  /** The link's rate towards the CPE (bits/s); 0: unthrottled. */
  downloadBitsPerSecond: number;
  /** The link's rate from the CPE (bits/s); 0: unthrottled. */
  uploadBitsPerSecond: number;
  /** Routers up to and including the target of a trace route. */
  hopCount: number;
  /** What the CPE's resolver answers per host name; `[]` is NXDOMAIN. Other names get a stable made-up address. */
  dnsAnswers: Record<string, string[]>;
  /** Round-trip time to particular hosts (server selection picks the fastest). */
  hostLatencyMs: Record<string, number>;
  /** The test of this kind ends in this state (an `Error_*` of the object; one it does not declare: Error_Other). */
  forcedStates: Partial<Record<DiagnosticsKind, string>>;
  /** Tests of these kinds never end (until cancelled, reconfigured or the CPE reboots). */
  neverComplete: DiagnosticsKind[];
  /** How long a computed (not HTTP) test takes (ms). */
  testDurationMs: number;
  /** An HTTP transfer with no answer or no progress for this long fails (ms). */
  httpTimeoutMs: number;
}

export const DEFAULT_NETWORK_CONDITIONS: Readonly<NetworkConditions> = {
  latencyMs: 20,
  jitterMs: 2,
  lossRatio: 0,
  downloadBitsPerSecond: 100_000_000,
  uploadBitsPerSecond: 20_000_000,
  hopCount: 6,
  dnsAnswers: {},
  hostLatencyMs: {},
  forcedStates: {},
  neverComplete: [],
  testDurationMs: 0,
  httpTimeoutMs: 10_000,
};

export class NetworkConditionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkConditionsError';
  }
}

/** `current` with `change` applied, checked: a bad figure is refused whole, nothing half-applied. */
export function withNetworkConditions(current: NetworkConditions, change: Partial<NetworkConditions>): NetworkConditions {
  const next: NetworkConditions = { ...current, ...change };
  const nonNegative: Array<keyof NetworkConditions> = [
    'latencyMs', 'jitterMs', 'downloadBitsPerSecond', 'uploadBitsPerSecond', 'testDurationMs', 'httpTimeoutMs',
  ];
  for (const key of nonNegative) {
    const value = next[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new NetworkConditionsError(`${key} must be a number ≥ 0, not ${String(value)}`);
  }
  if (!(next.lossRatio >= 0 && next.lossRatio <= 1)) throw new NetworkConditionsError(`lossRatio must be within 0…1, not ${next.lossRatio}`);
  if (!Number.isInteger(next.hopCount) || next.hopCount < 1 || next.hopCount > 255) {
    throw new NetworkConditionsError(`hopCount must be an integer 1…255, not ${next.hopCount}`);
  }
  for (const [kind, state] of Object.entries(next.forcedStates)) {
    if (!DIAGNOSTICS_KINDS.includes(kind as DiagnosticsKind)) throw new NetworkConditionsError(`forcedStates: unknown test "${kind}"`);
    if (state !== undefined && !/^Error(_\w+)?$/.test(state)) throw new NetworkConditionsError(`forcedStates.${kind}: "${state}" is no Error_* state`);
  }
  for (const kind of next.neverComplete) {
    if (!DIAGNOSTICS_KINDS.includes(kind)) throw new NetworkConditionsError(`neverComplete: unknown test "${kind}"`);
  }
  return next;
}

/**
 * The CLI's `--net SPEC` and stdin `net SPEC`: comma-separated `key=value`, e.g.
 * `latency=20,jitter=2,loss=0.05,down=50e6,up=10e6,hops=8,duration=100,timeout=5000,dns=a.example:192.0.2.1+192.0.2.2,
 * dns=gone.example:,host=s1.example:12,fail=ipPing:Error_Internal,never=download`. Unnamed keys stay as they are.
 */
export function parseNetworkConditions(spec: string): Partial<NetworkConditions> {
  const change: Partial<NetworkConditions> = {};
  const number = (key: string, text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new NetworkConditionsError(`${key}: "${text}" is no number`);
    return n;
  };
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq === -1) throw new NetworkConditionsError(`"${item}" is not key=value`);
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    const pair = (): [string, string] => {
      const colon = value.indexOf(':');
      if (colon === -1) throw new NetworkConditionsError(`${key}: "${value}" is not name:value`);
      return [value.slice(0, colon), value.slice(colon + 1)];
    };
    switch (key) {
      case 'latency': change.latencyMs = number(key, value); break;
      case 'jitter': change.jitterMs = number(key, value); break;
      case 'loss': change.lossRatio = number(key, value); break;
      case 'down': change.downloadBitsPerSecond = number(key, value); break;
      case 'up': change.uploadBitsPerSecond = number(key, value); break;
      case 'hops': change.hopCount = number(key, value); break;
      case 'duration': change.testDurationMs = number(key, value); break;
      case 'timeout': change.httpTimeoutMs = number(key, value); break;
      case 'dns': {
        const [host, addresses] = pair();
        change.dnsAnswers = { ...change.dnsAnswers, [host]: addresses.split('+').filter(Boolean) };
        break;
      }
      case 'host': {
        const [host, ms] = pair();
        change.hostLatencyMs = { ...change.hostLatencyMs, [host]: number(key, ms) };
        break;
      }
      case 'fail': {
        const [kind, state] = pair();
        change.forcedStates = { ...change.forcedStates, [kind]: state };
        break;
      }
      case 'never':
        change.neverComplete = [...(change.neverComplete ?? []), ...(value.split('+').filter(Boolean) as DiagnosticsKind[])];
        break;
      default:
        throw new NetworkConditionsError(`unknown key "${key}" (latency, jitter, loss, down, up, hops, duration, timeout, dns, host, fail, never)`);
    }
  }
  withNetworkConditions(DEFAULT_NETWORK_CONDITIONS, change); // throws on a bad figure
  return change;
}
