import { DIAGNOSTICS_API, FIRMWARE_API, GROUPING_API, PROVISIONING_API, type ServiceTransport } from '@acs/clients';
import { acsV1 } from '@acs/contracts';
import type { GrpcHostRegistry } from '@acs/platform';
import type { NbiConfig } from '../nbi.config';
import type { BackendRegistration } from './backend-relay';

/** How the NBI reaches its backends: each at its address in NbiConfig, or each through its host in this process. */
export type BackendTransport = 'grpc' | 'in-process';

/**
 * The services behind the public API, one registration each. A new service's public API is added here (its
 * services, its dependency name, its address in NbiConfig), besides its proto and its method-policy rows.
 */
export function nbiBackends(config: NbiConfig, transport: BackendTransport, hosts: GrpcHostRegistry, options: { firmware: boolean; grouping: boolean; diagnostics: boolean }): BackendRegistration[] {
  const reach = (dependency: string, address: string): ServiceTransport =>
    transport === 'in-process' ? { host: () => hosts.get(dependency) } : { address, maxMessageBytes: config.maxMessageBytes };
  return [
    {
      dependency: PROVISIONING_API.dependency,
      services: Object.values(PROVISIONING_API.services),
      transport: reach(PROVISIONING_API.dependency, config.provisioningAddress),
      waitsOf: {
        // CreateTask may wait for the task's end: without a deadline of the caller's, the default grows by the wait.
        [acsV1.TaskServiceService.createTask.path]: (request) => (request as acsV1.CreateTaskRequest).waitTimeoutMs,
      },
    },
    ...(options.firmware
      ? [
          {
            dependency: FIRMWARE_API.dependency,
            services: Object.values(FIRMWARE_API.services),
            transport: reach(FIRMWARE_API.dependency, config.firmwareAddress ?? ''),
          },
        ]
      : []),
    ...(options.grouping
      ? [
          {
            dependency: GROUPING_API.dependency,
            services: Object.values(GROUPING_API.services),
            transport: reach(GROUPING_API.dependency, config.groupingAddress ?? ''),
          },
        ]
      : []),
    ...(options.diagnostics
      ? [
          {
            dependency: DIAGNOSTICS_API.dependency,
            services: Object.values(DIAGNOSTICS_API.services),
            transport: reach(DIAGNOSTICS_API.dependency, config.diagnosticsAddress ?? ''),
          },
        ]
      : []),
  ];
}
