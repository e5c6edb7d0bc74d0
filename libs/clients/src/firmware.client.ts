import { acsV1 } from '@acs/contracts';
import { serviceClient, type ServiceClient, type ServiceTransport } from './service-client';

/**
 * The firmware service's API: the public services it serves itself (the NBI relays them as they are), under the
 * dependency name its failures and health are reported as. The in-process host is registered under this name too.
 */
export const FIRMWARE_API = {
  dependency: 'firmware',
  services: {
    files: acsV1.FileServiceService,
    campaigns: acsV1.CampaignServiceService,
  },
} as const;

type FirmwareServices = (typeof FIRMWARE_API)['services'];

/** Promise-returning clients of the firmware service's services, one per service. */
export type FirmwareClient = { [K in keyof FirmwareServices]: ServiceClient<FirmwareServices[K]> } & { close(): void };

/**
 * Clients of the firmware service for any other service:
 *
 *   const firmware = firmwareClient({ address: config.firmwareAddress });   // between pods
 *   const firmware = firmwareClient({ host: () => hosts.get('firmware') });  // in one process
 *   const { file } = await firmware.files.getFile({ fileId });
 */
export function firmwareClient(transport: ServiceTransport): FirmwareClient {
  const { dependency, services } = FIRMWARE_API;
  const files = serviceClient(services.files, transport, dependency);
  const campaigns = serviceClient(services.campaigns, transport, dependency);
  return {
    files,
    campaigns,
    close: () => {
      files.close();
      campaigns.close();
    },
  };
}
