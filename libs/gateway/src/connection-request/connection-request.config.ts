import { EnvReader } from '@acs/platform';
import type { ConnectionRequesterOptions } from './connection-requester';

export type ConnectionRequestConfig = Required<Omit<ConnectionRequesterOptions, 'onOutcome' | 'clock'>> & {
  /** Connection requests a pod has under way at once (ConnectionRequestConsumer). */
  concurrency: number;
};

/** The requester's settings from the environment; a bad value stops the start naming the variable. */
export function loadConnectionRequestConfig(env: Record<string, string | undefined> = process.env): ConnectionRequestConfig {
  const e = new EnvReader(env);
  const globalPerSecond = e.int('ACS_CONNECTION_REQUEST_GLOBAL_PER_SECOND', 200, { min: 1 });
  return {
    timeoutMs: e.int('ACS_CONNECTION_REQUEST_TIMEOUT_MS', 3000, { min: 100 }),
    allowBasic: e.bool('ACS_CONNECTION_REQUEST_ALLOW_BASIC', false),
    preferUdp: e.bool('ACS_CONNECTION_REQUEST_PREFER_UDP', false),
    udpRepeat: e.int('ACS_CONNECTION_REQUEST_UDP_REPEAT', 3, { min: 1, max: 10 }),
    udpIntervalMs: e.int('ACS_CONNECTION_REQUEST_UDP_INTERVAL_MS', 200, { min: 0 }),
    perDeviceIntervalMs: e.int('ACS_CONNECTION_REQUEST_DEVICE_INTERVAL_MS', 5000, { min: 0 }),
    globalPerSecond,
    globalBurst: e.int('ACS_CONNECTION_REQUEST_GLOBAL_BURST', globalPerSecond, { min: 1 }),
    concurrency: e.int('ACS_CONNECTION_REQUEST_CONCURRENCY', 256, { min: 1 }),
  };
}
