import { acsV1 } from '@acs/contracts';
import { serviceClient, type ServiceClient, type ServiceTransport } from './service-client';

/**
 * The diagnostics service's API: the public services it serves itself (the NBI relays them as they are), under the
 * dependency name its failures and health are reported as. The in-process host is registered under this name too.
 */
export const DIAGNOSTICS_API = {
  dependency: 'diagnostics',
  services: {
    runs: acsV1.DiagnosticsServiceService,
    monitoring: acsV1.MonitoringServiceService,
  },
} as const;

type DiagnosticsServices = (typeof DIAGNOSTICS_API)['services'];

/** Promise-returning clients of the diagnostics service's services, one per service. */
export type DiagnosticsClient = { [K in keyof DiagnosticsServices]: ServiceClient<DiagnosticsServices[K]> } & { close(): void };

/**
 * Clients of the diagnostics service for any other service:
 *
 *   const diagnostics = diagnosticsClient({ address: config.diagnosticsAddress });   // between pods
 *   const diagnostics = diagnosticsClient({ host: () => hosts.get('diagnostics') });  // in one process
 *   const { run } = await diagnostics.runs.getDiagnostic({ runId });
 */
export function diagnosticsClient(transport: ServiceTransport): DiagnosticsClient {
  const { dependency, services } = DIAGNOSTICS_API;
  const clients = { runs: serviceClient(services.runs, transport, dependency), monitoring: serviceClient(services.monitoring, transport, dependency) };
  return { ...clients, close: () => Object.values(clients).forEach((client) => client.close()) };
}
