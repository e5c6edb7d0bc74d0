import { ConflictError } from '@acs/platform';

import type { GroupingUseCaseDeps } from './create-group.usecase';
import { groupOrNotFound } from './group-validation';

/**
 * Deletes a group with no nested groups (ConflictError while it has some: delete or move them first, so no group is
 * left pointing at a parent that is gone). Its memberships go with it; acs.group group-deleted stands for them (no
 * device-left per member).
 */
export class DeleteGroup {
  constructor(private readonly deps: Pick<GroupingUseCaseDeps, 'store' | 'maintainer' | 'events'>) {}

  execute(id: string): Promise<{ members: number }> {
    const { store, maintainer, events } = this.deps;
    return maintainer.serially(async () => {
      const group = await groupOrNotFound((groupId) => store.groups.get(groupId), id);
      const children = (await maintainer.groups()).children(id);
      if (children.length > 0) {
        throw new ConflictError(`group ${id} has nested groups (${children.map((c) => c.name).join(', ')}): delete or move them first`, { kind: 'precondition', reason: 'GROUP_HAS_CHILDREN', subject: `group ${id}` });
      }
      // The group first, so the event consumer stops maintaining it; then its pairs.
      await store.groups.delete(id);
      maintainer.invalidate();
      const members = await store.members.removeGroup(id);
      await store.explicitMembers.removeGroup(id);
      await events.groupDeleted(group);
      return { members };
    });
  }
}
