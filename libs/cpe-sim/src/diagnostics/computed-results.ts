import type { DiagnosticsObjectModel } from './diagnostics-objects';
import type { NetworkConditions } from './network-conditions';

/** What a finished test writes: its state, leaf values (relative to the object) and result tables (rows of leaves). */
export interface DiagnosticsOutcome {
  state: string;
  values: Record<string, string>;
  tables: Record<string, Array<Record<string, string>>>;
}

export interface TestContext {
  conditions: NetworkConditions;
  /** Seeded per CPE and run, so a run is reproducible. */
  random: () => number;
  /** Epoch ms (with a fraction). */
  now: () => number;
  /** The CPE's WAN address (IPAddressUsed). */
  wanAddress: string;
  /** An input of the object, '' when unset. */
  input: (name: string) => string;
}

/** A resolver answer: addresses, or undefined for a name that does not resolve (NXDOMAIN, RFC 6761 `.invalid`). */
export function resolve(host: string, conditions: NetworkConditions): string[] | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':')) return [host];
  const configured = conditions.dnsAnswers[host];
  if (configured) return configured.length > 0 ? configured : undefined;
  if (host === '' || host.endsWith('.invalid')) return undefined;
  return [madeUpAddress(host)];
}

/** A stable documentation-range (TEST-NET-3) address per name. */
function madeUpAddress(host: string): string {
  let hash = 2166136261;
  for (let i = 0; i < host.length; i++) hash = Math.imul(hash ^ host.charCodeAt(i), 16777619) >>> 0;
  return `203.0.113.${1 + (hash % 254)}`;
}

function countInput(context: TestContext, name: string, fallback: number): number {
  const n = Number(context.input(name));
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** `count` probes to a host `latencyMs` away: the RTTs (µs) of those answered. */
function probe(context: TestContext, count: number, latencyMs: number): number[] {
  const { jitterMs, lossRatio } = context.conditions;
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    if (context.random() < lossRatio) continue;
    const rttMs = Math.max(0.05, latencyMs + (context.random() * 2 - 1) * jitterMs);
    rtts.push(Math.round(rttMs * 1000));
  }
  return rtts;
}

function stats(rttsUs: number[]): { min: number; avg: number; max: number } {
  if (rttsUs.length === 0) return { min: 0, avg: 0, max: 0 };
  return { min: Math.min(...rttsUs), avg: Math.round(rttsUs.reduce((a, b) => a + b, 0) / rttsUs.length), max: Math.max(...rttsUs) };
}

const ms = (us: number): string => String(Math.round(us / 1000));
const complete = (object: DiagnosticsObjectModel, values: Record<string, string>, tables: DiagnosticsOutcome['tables'] = {}): DiagnosticsOutcome => ({
  state: object.completeState,
  values,
  tables,
});
const failed = (state: string): DiagnosticsOutcome => ({ state, values: {}, tables: {} });

export function ipPing(object: DiagnosticsObjectModel, context: TestContext): DiagnosticsOutcome {
  const host = context.input('Host');
  if (!resolve(host, context.conditions)) return failed('Error_CannotResolveHostName');
  const count = countInput(context, 'NumberOfRepetitions', 4);
  const rtts = probe(context, count, context.conditions.latencyMs);
  const { min, avg, max } = stats(rtts);
  return complete(object, {
    IPAddressUsed: context.wanAddress,
    SuccessCount: String(rtts.length),
    FailureCount: String(count - rtts.length),
    AverageResponseTime: ms(avg),
    MinimumResponseTime: ms(min),
    MaximumResponseTime: ms(max),
    AverageResponseTimeDetailed: String(avg),
    MinimumResponseTimeDetailed: String(min),
    MaximumResponseTimeDetailed: String(max),
  });
}

export function traceRoute(object: DiagnosticsObjectModel, context: TestContext): DiagnosticsOutcome {
  const host = context.input('Host');
  const addresses = resolve(host, context.conditions);
  if (!addresses) return failed('Error_CannotResolveHostName');
  const maxHops = countInput(context, 'MaxHopCount', 30);
  const tries = countInput(context, 'NumberOfTries', 3);
  const { hopCount, latencyMs } = context.conditions;
  const prefix = object.hopPrefix ?? '';
  const hops: Array<Record<string, string>> = [];
  let last = 0;
  for (let n = 1; n <= Math.min(hopCount, maxHops); n++) {
    const target = n === hopCount;
    // Each router adds its share of the path's latency; the target answers at the full RTT.
    const rtts = probe({ ...context, conditions: { ...context.conditions, lossRatio: 0 } }, tries, (latencyMs * n) / hopCount);
    last = stats(rtts).avg;
    hops.push({
      [`${prefix}Host`]: target ? host : `hop${n}.isp.example`,
      [`${prefix}HostAddress`]: target ? addresses[0]! : `10.${n}.0.1`,
      [`${prefix}ErrorCode`]: '0',
      [`${prefix}RTTimes`]: rtts.map((us) => ms(us)).join(','),
    });
  }
  if (hopCount > maxHops) return { state: 'Error_MaxHopCountExceeded', values: {}, tables: { RouteHops: hops } };
  return complete(object, { IPAddressUsed: context.wanAddress, ResponseTime: ms(last) }, { RouteHops: hops });
}

export function udpEcho(object: DiagnosticsObjectModel, context: TestContext): DiagnosticsOutcome {
  if (!resolve(context.input('Host'), context.conditions)) return failed('Error_CannotResolveHostName');
  const count = countInput(context, 'NumberOfRepetitions', 10);
  const interval = countInput(context, 'InterTransmissionTime', 1000);
  const packets: Array<Record<string, string>> = [];
  let success = 0;
  const rtts: number[] = [];
  const start = context.now();
  for (let i = 0; i < count; i++) {
    const [rtt] = probe(context, 1, context.conditions.latencyMs);
    const sent = start + i * interval;
    if (rtt !== undefined) {
      success++;
      rtts.push(rtt);
    }
    packets.push({
      PacketSuccess: String(rtt !== undefined),
      PacketSendTime: microsecondTime(sent),
      PacketReceiveTime: rtt !== undefined ? microsecondTime(sent + rtt / 1000) : '0001-01-01T00:00:00Z',
      TestGenSN: String(i + 1),
      TestRespSN: rtt !== undefined ? String(success) : '0',
      TestRespRcvTimeStamp: '0',
      TestRespReplyTimeStamp: '0',
      TestRespReplyFailureCount: String(i + 1 - success),
    });
  }
  const { min, avg, max } = stats(rtts);
  const individual = context.input('EnableIndividualPacketResults') === 'true';
  return complete(
    object,
    {
      IPAddressUsed: context.wanAddress,
      SuccessCount: String(success),
      FailureCount: String(count - success),
      AverageResponseTime: String(avg),
      MinimumResponseTime: String(min),
      MaximumResponseTime: String(max),
    },
    individual ? { IndividualPacketResult: packets } : {},
  );
}

export function serverSelection(object: DiagnosticsObjectModel, context: TestContext): DiagnosticsOutcome {
  const hosts = context.input('HostList').split(',').map((h) => h.trim()).filter(Boolean);
  const count = countInput(context, 'NumberOfRepetitions', 3);
  let best: { host: string; min: number; avg: number; max: number } | undefined;
  for (const host of hosts) {
    if (!resolve(host, context.conditions)) continue;
    const latency = context.conditions.hostLatencyMs[host] ?? context.conditions.latencyMs;
    const rtts = probe(context, count, latency);
    if (rtts.length === 0) continue;
    const s = stats(rtts);
    if (!best || s.avg < best.avg) best = { host, ...s };
  }
  if (!best) return failed('Error_CannotResolveHostName');
  return complete(object, {
    FastestHost: best.host,
    MinimumResponseTime: String(best.min),
    AverageResponseTime: String(best.avg),
    MaximumResponseTime: String(best.max),
    IPAddressUsed: context.wanAddress,
  });
}

export function nsLookup(object: DiagnosticsObjectModel, context: TestContext): DiagnosticsOutcome {
  const server = context.input('DNSServer');
  if (server !== '' && !resolve(server, context.conditions)) return failed('Error_DNSServerNotResolved');
  const host = context.input('HostName');
  const answers = resolve(host, context.conditions);
  const count = countInput(context, 'NumberOfRepetitions', 1);
  const rows: Array<Record<string, string>> = [];
  let success = 0;
  for (let i = 0; i < count; i++) {
    const [rtt] = probe(context, 1, context.conditions.latencyMs);
    const timedOut = rtt === undefined;
    if (!timedOut && answers) success++;
    rows.push({
      Status: timedOut ? 'Error_Timeout' : answers ? 'Success' : 'Error_HostNameNotResolved',
      AnswerType: timedOut || !answers ? 'None' : 'NonAuthoritative',
      HostNameReturned: timedOut || !answers ? '' : host,
      IPAddresses: timedOut || !answers ? '' : answers.join(','),
      DNSServerIP: server !== '' ? resolve(server, context.conditions)![0]! : '192.168.1.1',
      ResponseTime: timedOut ? '0' : ms(rtt),
    });
  }
  return complete(object, { SuccessCount: String(success) }, { Result: rows });
}

export function ipLayerCapacity(object: DiagnosticsObjectModel, context: TestContext): DiagnosticsOutcome {
  const target = context.input('ServerList').split(',')[0]?.trim() || context.input('Host');
  if (!resolve(target, context.conditions)) return failed('Error_CannotResolveHostName');
  const { downloadBitsPerSecond, uploadBitsPerSecond, lossRatio, latencyMs, jitterMs } = context.conditions;
  const sender = context.input('Role') === 'Sender';
  const rate = sender ? uploadBitsPerSecond : downloadBitsPerSecond;
  const intervals = countInput(context, 'NumberTestSubIntervals', 10);
  const subMs = countInput(context, 'TestSubInterval', 1000);
  const start = context.now();
  const incremental: Array<Record<string, string>> = [];
  let max = 0;
  let maxAt = start;
  for (let i = 0; i < intervals; i++) {
    // A search ramps up to the link's capacity; the delivered share is what loss leaves.
    const ramp = Math.min(1, (i + 1) / Math.max(1, intervals / 2));
    const mbps = ((rate * ramp * (1 - lossRatio)) / 1e6) * (0.98 + context.random() * 0.02);
    const at = start + (i + 1) * subMs;
    if (mbps > max) [max, maxAt] = [mbps, at];
    incremental.push({
      IPLayerCapacity: mbps.toFixed(2),
      TimeOfSubInterval: microsecondTime(at),
      LossRatio: lossRatio.toFixed(6),
      RTTRange: ((2 * jitterMs) / 1000).toFixed(6),
      PDVRange: (jitterMs / 1000).toFixed(6),
      MinOnewayDelay: (latencyMs / 2000).toFixed(6),
      ReorderedRatio: '0',
      ReplicatedRatio: '0',
      InterfaceEthMbps: '1000',
    });
  }
  const end = start + intervals * subMs;
  return complete(
    object,
    {
      BOMTime: microsecondTime(start),
      EOMTime: microsecondTime(end),
      TmaxUsed: String(Math.round((intervals * subMs) / 1000)),
      TestInterval: String(Math.round((intervals * subMs) / 1000)),
      MaxIPLayerCapacity: max.toFixed(2),
      TimeOfMax: microsecondTime(maxAt),
      MaxETHCapacityNoFCS: (max * 1.02).toFixed(2),
      MaxETHCapacityWithFCS: (max * 1.025).toFixed(2),
      MaxETHCapacityWithFCSVLAN: (max * 1.03).toFixed(2),
      LossRatioAtMax: lossRatio.toFixed(6),
      RTTRangeAtMax: ((2 * jitterMs) / 1000).toFixed(6),
      PDVRangeAtMax: (jitterMs / 1000).toFixed(6),
      MinOnewayDelayAtMax: (latencyMs / 2000).toFixed(6),
      ReorderedRatioAtMax: '0',
      ReplicatedRatioAtMax: '0',
      InterfaceEthMbpsAtMax: '1000',
      IPLayerCapacitySummary: (incremental.reduce((a, r) => a + Number(r.IPLayerCapacity), 0) / intervals).toFixed(2),
      LossRatioSummary: lossRatio.toFixed(6),
      RTTRangeSummary: ((2 * jitterMs) / 1000).toFixed(6),
      PDVRangeSummary: (jitterMs / 1000).toFixed(6),
      MinOnewayDelaySummary: (latencyMs / 2000).toFixed(6),
      MinRTTSummary: (Math.max(0, latencyMs - jitterMs) / 1000).toFixed(6),
      ReorderedRatioSummary: '0',
      ReplicatedRatioSummary: '0',
      InterfaceEthMbpsSummary: '1000',
    },
    {
      ModalResult: [{ MaxIPLayerCapacity: max.toFixed(2), TimeOfMax: microsecondTime(maxAt), LossRatioAtMax: lossRatio.toFixed(6), RTTRangeAtMax: ((2 * jitterMs) / 1000).toFixed(6) }],
      IncrementalResult: incremental,
    },
  );
}

/** A TR-143 timestamp: UTC with microseconds (`2026-12-08T10:00:00.123456Z`). */
export function microsecondTime(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.min(999_999, Math.floor((epochMs - Math.floor(whole / 1000) * 1000) * 1000));
  return `${new Date(whole).toISOString().slice(0, 19)}.${String(micros).padStart(6, '0')}Z`;
}

/** A small seeded generator (mulberry32): the same CPE and run give the same results. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
