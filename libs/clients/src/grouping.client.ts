import { acsV1 } from '@acs/contracts';
import { serviceClient, type ServiceClient, type ServiceTransport } from './service-client';

/**
 * The grouping service's API: the public services it serves itself (the NBI relays them as they are), under the
 * dependency name its failures and health are reported as. The in-process host is registered under this name too.
 */
export const GROUPING_API = {
  dependency: 'grouping',
  services: {
    groups: acsV1.GroupServiceService,
    jobs: acsV1.JobServiceService,
  },
} as const;

type GroupingServices = (typeof GROUPING_API)['services'];

/** Promise-returning clients of the grouping service's services, one per service. */
export type GroupingClient = { [K in keyof GroupingServices]: ServiceClient<GroupingServices[K]> } & { close(): void };

/**
 * Clients of the grouping service for any other service:
 *
 *   const grouping = groupingClient({ address: config.groupingAddress });   // between pods
 *   const grouping = groupingClient({ host: () => hosts.get('grouping') });  // in one process
 *   const { groups } = await grouping.groups.listDeviceGroups({ deviceId });
 */
export function groupingClient(transport: ServiceTransport): GroupingClient {
  const { dependency, services } = GROUPING_API;
  const groups = serviceClient(services.groups, transport, dependency);
  const jobs = serviceClient(services.jobs, transport, dependency);
  return {
    groups,
    jobs,
    close: () => {
      groups.close();
      jobs.close();
    },
  };
}
