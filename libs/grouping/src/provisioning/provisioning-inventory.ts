import { acsV1, DEVICE_FILTER_FIELDS, type DeviceFilterField } from '@acs/contracts';
import type { ProvisioningClient } from '@acs/clients';
import { parseValue } from '@acs/cwmp';
import { filterStringLiteral, type FilterValue } from '@acs/filter';

import type { DeviceView } from '../domain/device-view';
import type { DeviceInventory } from '../usecases/grouping-ports';

const ROOT_OBJECTS: Partial<Record<acsV1.RootObject, string>> = {
  [acsV1.RootObject.ROOT_OBJECT_DEVICE]: 'Device',
  [acsV1.RootObject.ROOT_OBJECT_INTERNET_GATEWAY_DEVICE]: 'InternetGatewayDevice',
};

/** Grouping's reading of the inventory through provisioning's ListDevices (in process in the standalone, gRPC in a pod). */
export class ProvisioningDeviceInventory implements DeviceInventory {
  constructor(private readonly provisioning: Pick<ProvisioningClient, 'devices'>) {}

  async matchingIds(filter: string, pageToken: string, pageSize: number): Promise<{ ids: string[]; nextPageToken: string }> {
    // Uncounted and in id order: keyset pages, each an index range rather than an OFFSET over the pages before it.
    const response = await this.provisioning.devices.listDevices({ filter, projection: [], sort: [], pageSize, pageToken, omitTotal: true });
    return { ids: response.devices.map((device) => device.id), nextPageToken: response.nextPageToken };
  }

  async device(id: string, parameterPaths: readonly string[]): Promise<DeviceView | null> {
    // An empty projection returns no parameters; the device's own fields always come.
    const response = await this.provisioning.devices.listDevices({ filter: `id = ${filterStringLiteral(id)}`, projection: [...parameterPaths], sort: [], pageSize: 1, pageToken: '', omitTotal: true });
    const device = response.devices[0];
    return device ? deviceViewOf(device) : null;
  }
}

/** A device as ListDevices answers it, as the filter language reads it: times as epoch ms, values typed by their XSD type. */
export function deviceViewOf(device: acsV1.Device): DeviceView {
  const fields: Record<DeviceFilterField, FilterValue> = {
    id: device.id,
    oui: device.oui,
    productClass: device.productClass,
    serialNumber: device.serialNumber,
    manufacturer: device.manufacturer,
    rootObject: ROOT_OBJECTS[device.rootObject],
    softwareVersion: device.softwareVersion || undefined,
    hardwareVersion: device.hardwareVersion || undefined,
    ip: device.ip || undefined,
    registeredAt: device.registerTime?.getTime(),
    lastInform: device.lastInformTime?.getTime(),
    lastBoot: device.lastBootTime?.getTime(),
    lastBootstrap: device.lastBootstrapTime?.getTime(),
    periodicInformInterval: device.periodicInformInterval,
  };
  const parameters: Record<string, string | number | boolean> = {};
  const known = new Set<string>([...DEVICE_FILTER_FIELDS.map((field) => `field:${field}`), 'tag']);
  for (const parameter of device.parameters) {
    known.add(`param:${parameter.path}`);
    if (parameter.value !== undefined) parameters[parameter.path] = parseValue(parameter.value, parameter.type || undefined).value;
  }
  return { id: device.id, fields, parameters, tags: [...device.tags], known };
}
