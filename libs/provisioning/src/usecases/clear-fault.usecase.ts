import { NotFoundError, type Logger } from '@acs/platform';

import type { FaultRepository } from '../repositories/ports';
import { requireField } from './violations';

/** Clears a device's fault on a channel (`default` when none is named); none there: NotFoundError. */
export class ClearFault {
  constructor(
    private readonly faults: Pick<FaultRepository, 'clear'>,
    private readonly logger: Logger,
  ) {}

  async execute(command: { deviceId: string; channel?: string }): Promise<void> {
    const deviceId = requireField(command.deviceId, 'device_id');
    const channel = command.channel ? command.channel : 'default';
    if (!(await this.faults.clear(deviceId, channel))) throw new NotFoundError('fault', `${deviceId}/${channel}`);
    this.logger.info({ deviceId, channel }, 'fault cleared through the API');
  }
}
