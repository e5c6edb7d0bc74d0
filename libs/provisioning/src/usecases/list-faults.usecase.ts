import type { DeviceFault } from '../domain/preset';
import type { FaultRepository, Page, Paged } from '../repositories/ports';

/** Device faults, latest first, by device and channel ('' or absent: all). */
export class ListFaults {
  constructor(private readonly faults: Pick<FaultRepository, 'list'>) {}

  execute(query: { deviceId?: string; channel?: string; page: Page }): Promise<Paged<DeviceFault>> {
    return this.faults.list({ ...(query.deviceId ? { deviceId: query.deviceId } : {}), ...(query.channel ? { channel: query.channel } : {}) }, query.page);
  }
}
