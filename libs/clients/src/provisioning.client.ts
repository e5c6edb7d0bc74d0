import { acsV1 } from '@acs/contracts';
import { serviceClient, type ServiceClient, type ServiceTransport } from './service-client';

/**
 * The provisioning service's API: the public services it serves itself (the NBI relays them as they are), under the
 * dependency name its failures and health are reported as. The in-process host is registered under this name too.
 */
export const PROVISIONING_API = {
  dependency: 'provisioning',
  services: {
    devices: acsV1.DeviceServiceService,
    tasks: acsV1.TaskServiceService,
    presets: acsV1.PresetServiceService,
    faults: acsV1.FaultServiceService,
  },
} as const;

type ProvisioningServices = (typeof PROVISIONING_API)['services'];

/** Promise-returning clients of provisioning's services, one per service. */
export type ProvisioningClient = { [K in keyof ProvisioningServices]: ServiceClient<ProvisioningServices[K]> } & { close(): void };

/**
 * Clients of the provisioning service for any other service (firmware, diagnostics, grouping):
 *
 *   const provisioning = provisioningClient({ address: config.provisioningAddress });   // between pods
 *   const provisioning = provisioningClient({ host: () => hosts.get('provisioning') });  // in one process
 *   await provisioning.tasks.createTask({ deviceId, spec, connectionRequest: true, waitTimeoutMs: 0, maxAttempts: 0 });
 */
export function provisioningClient(transport: ServiceTransport): ProvisioningClient {
  const { dependency, services } = PROVISIONING_API;
  const clients = {
    devices: serviceClient(services.devices, transport, dependency),
    tasks: serviceClient(services.tasks, transport, dependency),
    presets: serviceClient(services.presets, transport, dependency),
    faults: serviceClient(services.faults, transport, dependency),
  };
  return { ...clients, close: () => Object.values(clients).forEach((client) => client.close()) };
}
