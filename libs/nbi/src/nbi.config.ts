import { EnvReader } from '@acs/platform';

export interface NbiConfig {
  /** Where the public API listens. */
  host: string;
  port: number;
  /** The provisioning service's internal gRPC API, when the NBI reaches it over gRPC (not in the standalone). */
  provisioningAddress: string;
  /**
   * The firmware service's gRPC API (ACS_NBI_FIRMWARE_ADDRESS), when the NBI reaches it over gRPC. Unset: no firmware
   * service behind this NBI, FileService is not served (UNIMPLEMENTED) and its health is not a dependency.
   */
  firmwareAddress?: string;
  /**
   * The grouping service's gRPC API (ACS_NBI_GROUPING_ADDRESS, e.g. `grouping:50054`), when the NBI reaches it over
   * gRPC. Unset: no grouping service behind this NBI: GroupService is not served (UNIMPLEMENTED), its health is not a
   * dependency, and clients with group-scoped roles are refused (their scope cannot be checked).
   */
  groupingAddress?: string;
  /**
   * The diagnostics service's gRPC API (ACS_NBI_DIAGNOSTICS_ADDRESS, e.g. `diagnostics:50055`), when the NBI reaches it
   * over gRPC. Unset: no diagnostics service behind this NBI: DiagnosticsService is not served (UNIMPLEMENTED) and its
   * health is not a dependency.
   */
  diagnosticsAddress?: string;
  /** Largest request and response message. */
  maxMessageBytes: number;
  /** How often the dependencies behind the health statuses are checked. */
  healthIntervalMs: number;
  /** How long a stop lets calls in flight finish (watch streams are ended at once). */
  shutdownTimeoutMs: number;
  /**
   * Connections are closed (GOAWAY) after this long, so clients behind an L4 balancer spread again over pods added
   * since they connected; open calls get `maxConnectionAgeGraceMs` more, then long watches end and clients reconnect.
   */
  maxConnectionAgeMs: number;
  maxConnectionAgeGraceMs: number;
  /** HTTP/2 pings on idle connections, so balancers and NATs keep long watches open and dead peers are noticed. */
  keepaliveMs: number;
  /** Recent events held for WatchEvents `since` (resuming watches): at most this many, and this old. */
  eventReplayEvents: number;
  eventReplayMs: number;
}

/**
 * `defaults.host`: the nbi pod listens on every interface; the standalone only on loopback unless told otherwise
 * (a fresh install should not expose an API before the operator has looked at its clients file).
 */
export function loadNbiConfig(env: Record<string, string | undefined> = process.env, defaults: { host: string }): NbiConfig {
  const e = new EnvReader(env);
  return {
    host: e.string('ACS_NBI_HOST', defaults.host),
    port: e.int('ACS_NBI_PORT', 50052, { min: 0, max: 65535 }),
    provisioningAddress: e.string('ACS_NBI_PROVISIONING_ADDRESS', '127.0.0.1:50051'),
    firmwareAddress: e.optionalString('ACS_NBI_FIRMWARE_ADDRESS'),
    groupingAddress: e.optionalString('ACS_NBI_GROUPING_ADDRESS'),
    diagnosticsAddress: e.optionalString('ACS_NBI_DIAGNOSTICS_ADDRESS'),
    maxMessageBytes: e.int('ACS_NBI_MAX_MESSAGE_BYTES', 4 * 1024 * 1024, { min: 64 * 1024, max: 64 * 1024 * 1024 }),
    healthIntervalMs: e.int('ACS_NBI_HEALTH_INTERVAL_MS', 2000, { min: 100 }),
    shutdownTimeoutMs: e.int('ACS_NBI_SHUTDOWN_TIMEOUT_MS', 5000, { min: 0 }),
    maxConnectionAgeMs: e.int('ACS_NBI_MAX_CONNECTION_AGE_MS', 30 * 60_000, { min: 1000 }),
    maxConnectionAgeGraceMs: e.int('ACS_NBI_MAX_CONNECTION_AGE_GRACE_MS', 60 * 60_000, { min: 0 }),
    keepaliveMs: e.int('ACS_NBI_KEEPALIVE_MS', 60_000, { min: 10_000 }),
    eventReplayEvents: e.int('ACS_NBI_EVENT_REPLAY_EVENTS', 10_000, { min: 0, max: 1_000_000 }),
    eventReplayMs: e.int('ACS_NBI_EVENT_REPLAY_SECONDS', 600, { min: 0, max: 86_400 }) * 1000,
  };
}
