import { ValidationError } from '@acs/platform';

import type { Group } from '../domain/group';
import type { GroupingUseCaseDeps } from './create-group.usecase';

/** The groups a device is a member of, by name. */
export class ListDeviceGroups {
  constructor(private readonly deps: Pick<GroupingUseCaseDeps, 'store' | 'maintainer'>) {}

  async execute(deviceId: string): Promise<Group[]> {
    if (deviceId.trim() === '') throw ValidationError.forField('deviceId', 'is required', 'REQUIRED');
    const directory = await this.deps.maintainer.groups();
    const ids = await this.deps.store.members.groupsOf(deviceId);
    return ids.flatMap((id) => directory.get(id) ?? []).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
