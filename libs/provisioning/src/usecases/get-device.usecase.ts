import { NotFoundError } from '@acs/platform';

import type { ParameterNode } from '../domain/device';
import { API_DEVICE_FIELDS } from '../domain/device-fields';
import type { DeviceRepository, ProjectedDevice } from '../repositories/ports';
import { SYSTEM_PRESENCE, presentDevice, type DevicePresence, type PresentedDevice } from './query-devices.usecase';
import { checkPath, requireField } from './violations';

/** A device with its API fields and the parameters of one subtree (or all), read with a projection. */
export class GetDevice {
  constructor(
    private readonly devices: Pick<DeviceRepository, 'query'>,
    private readonly presence: DevicePresence = SYSTEM_PRESENCE,
  ) {}

  /** `parameterPrefix` '' or absent: every parameter. */
  async execute(query: { deviceId: string; parameterPrefix?: string }): Promise<PresentedDevice> {
    const deviceId = requireField(query.deviceId, 'device_id');
    const prefix = query.parameterPrefix ?? '';
    if (prefix !== '') checkPath(prefix, 'parameter_prefix');
    return presentDevice(await readDevice(this.devices, deviceId, prefix === '' ? 'all' : [prefix]), this.presence);
  }
}

/** The known parameters of a device under one path (or all), keyed by path. */
export class GetParameters {
  constructor(private readonly devices: Pick<DeviceRepository, 'query'>) {}

  /** `path` '' or absent: every parameter. */
  async execute(query: { deviceId: string; path?: string }): Promise<Record<string, ParameterNode>> {
    const deviceId = requireField(query.deviceId, 'device_id');
    const path = query.path ?? '';
    if (path !== '') checkPath(path, 'path');
    return (await readDevice(this.devices, deviceId, path === '' ? 'all' : [path])).parameters ?? {};
  }
}

async function readDevice(devices: Pick<DeviceRepository, 'query'>, deviceId: string, parameters: readonly string[] | 'all'): Promise<ProjectedDevice> {
  const projection = [...API_DEVICE_FIELDS, ...(parameters === 'all' ? ['parameters'] : parameters)];
  const { items } = await devices.query({ filter: { _id: deviceId }, projection, skip: 0, limit: 1 });
  if (!items[0]) throw new NotFoundError('device', deviceId);
  return items[0];
}
