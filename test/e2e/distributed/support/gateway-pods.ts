import type { WorkItem } from '@acs/platform';
import { startApp, type RunningApp } from '../../support/processes';
import { kafkaBrokers, sharedRedisUrl } from './infrastructure';

/** Same value on every pod, as the Helm chart sets it: a Digest nonce issued by one pod is accepted by the others. */
export const DIGEST_SECRET = 'e2e-distributed-digest-secret';

export interface GatewayPod extends RunningApp {
  name: string;
  /** SIGKILL: no drain, no goodbye — the pod is gone as when its node dies. Resolves once the process is dead. */
  kill(): Promise<void>;
}

/** Starts `dist/apps/cwmp-gateway` as a real process on Redis and Kafka. */
export async function startGatewayPod(name: string, env: Record<string, string> = {}): Promise<GatewayPod> {
  const app = await startApp('cwmp-gateway', {
    ACS_POD_NAME: name,
    ACS_SESSION_STORE: 'redis',
    ACS_REDIS_URL: sharedRedisUrl,
    ACS_REDIS_CONNECT_TIMEOUT_MS: '5000',
    ACS_EVENT_BUS: 'kafka',
    ACS_KAFKA_BROKERS: kafkaBrokers.join(','),
    ACS_DIGEST_SECRET: DIGEST_SECRET,
    ACS_SHUTDOWN_TIMEOUT_MS: '5000',
    ...env,
  });
  const dead = (): boolean => app.process.exitCode !== null || app.process.signalCode !== null;
  return {
    ...app,
    name,
    // startApp's stop() waits for an exit that already happened when a signal ended the process.
    stop: async () => (dead() ? app.process.exitCode : app.stop()),
    kill: () =>
      new Promise<void>((resolve) => {
        if (dead()) return resolve();
        app.process.once('exit', () => resolve());
        app.process.kill('SIGKILL');
      }),
  };
}

/** Stops every pod still running (SIGTERM, drained); for afterAll. */
export async function stopPods(pods: GatewayPod[]): Promise<void> {
  await Promise.all(pods.map((pod) => pod.stop()));
}

/**
 * `count` work items for a CPE on the built-in TR-098 model, cycling through a read, a write and an object creation
 * (every one succeeds on the simulator, however often it runs). Ids name the device and the position in the queue.
 */
export function sampleWork(deviceId: string, runToken: string, count = 3): WorkItem[] {
  const root = 'InternetGatewayDevice';
  const rpcs: Array<WorkItem['rpc']> = [
    { kind: 'GetParameterValues', parameterNames: [`${root}.DeviceInfo.`] },
    {
      kind: 'SetParameterValues',
      parameterKey: `e2e-${runToken}`,
      parameterList: [{ name: `${root}.ManagementServer.PeriodicInformInterval`, value: { type: 'unsignedInt', value: 900 } }],
    },
    { kind: 'AddObject', objectName: `${root}.WANDevice.1.WANConnectionDevice.1.WANPPPConnection.`, parameterKey: `e2e-${runToken}` },
  ];
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => {
    const rpc = rpcs[index % rpcs.length]!;
    return { id: `${deviceId}/${index + 1}-${rpc.kind}`, deviceId, taskId: `e2e-${runToken}-${index + 1}`, rpc, enqueuedAt: now };
  });
}

/** The queue position encoded in an item id by sampleWork (1 = first). */
export function positionOf(itemId: string): number {
  return Number(/\/(\d+)-\w+$/.exec(itemId)?.[1] ?? NaN);
}
