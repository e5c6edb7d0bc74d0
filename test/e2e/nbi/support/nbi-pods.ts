import { startApp, type RunningApp } from '../../support/processes';
import { NbiChannel, type AcsV1Clients } from './nbi-client';
import { writeTestClients, type TestClients } from './nbi-clients-file';
import { startNbiProcess, type NbiProcess } from './nbi-process';

/** The distributed ACS the NBI acceptance runs against: a provisioning pod, a gateway pod, an nbi pod relaying to it. */
export interface NbiPods {
  provisioning: RunningApp;
  gateway: RunningApp;
  nbi: NbiProcess;
  clients: TestClients;
  channel: NbiChannel;
  /** acs.v1 clients calling as the admin client. */
  api: AcsV1Clients;
  /** Stops the pods, the nbi first. */
  stop(): Promise<void>;
}

export interface NbiPodsEnv {
  /** Every pod's environment (servers, topic prefix, database…). */
  pods: Record<string, string>;
  gateway?: Record<string, string>;
  nbi?: Record<string, string>;
}

/**
 * Starts provisioning, a gateway and an nbi pod (clients file written into `dir`), in that order. If one fails to
 * start, those already running are stopped before the error goes on.
 */
export async function startNbiPods(dir: string, env: NbiPodsEnv): Promise<NbiPods> {
  const clients = writeTestClients(dir);
  const started: Array<{ stop(): Promise<unknown> }> = [];
  const stopAll = async (): Promise<void> => {
    for (const pod of started.reverse()) await pod.stop();
    started.length = 0;
  };
  try {
    const provisioning = await startApp('provisioning', env.pods).catch((error: Error) => {
      throw new Error(`${error.message}\n(the distributed mode needs Redis, Kafka and FerretDB: run \`npm run infra:test\`)`);
    });
    started.push(provisioning);
    const gateway = await startApp('cwmp-gateway', { ...env.pods, ...env.gateway });
    started.push(gateway);
    const nbi = await startNbiProcess({ ...env.pods, ACS_NBI_CLIENTS_FILE: clients.file, ACS_NBI_PROVISIONING_ADDRESS: provisioning.grpcAddress, ...env.nbi });
    started.push(nbi);
    const channel = new NbiChannel(nbi.nbiAddress);
    started.push({ stop: async () => channel.close() });
    return { provisioning, gateway, nbi, clients, channel, api: channel.clients(clients.admin), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
