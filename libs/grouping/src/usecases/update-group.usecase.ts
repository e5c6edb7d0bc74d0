import { ValidationError } from '@acs/platform';

import type { Group } from '../domain/group';
import type { GroupingUseCaseDeps } from './create-group.usecase';
import { checkDefinition, groupOrNotFound } from './group-validation';
import type { EvaluationResult } from './membership-maintainer';

export interface UpdateGroupCommand {
  id: string;
  /** The revision read: the update applies only to that one (ConflictError otherwise). Absent: whatever is stored. */
  revision?: number;
  name?: string;
  /** A dynamic group's new filter. */
  filter?: string;
  /** A new parent; null makes it a top-level group. */
  parentId?: string | null;
  description?: string;
}

/**
 * Changes a group's name, filter, parent or description. A new parent may not be the group or nested in it (a
 * cycle). A changed filter or parent re-evaluates the group and the groups nested in it (acs.group group-changed,
 * then the joins and leaves); a kind never changes.
 */
export class UpdateGroup {
  constructor(private readonly deps: GroupingUseCaseDeps) {}

  execute(command: UpdateGroupCommand): Promise<{ group: Group; evaluation: EvaluationResult | null }> {
    const { store, maintainer, events, now } = this.deps;
    return maintainer.serially(async () => {
      const before = await groupOrNotFound((id) => store.groups.get(id), command.id);
      if (command.filter !== undefined && before.kind !== 'dynamic') throw ValidationError.forField('filter', 'a static group has no filter', 'BAD_FORMAT');
      const parentId = command.parentId === null ? undefined : (command.parentId ?? before.parentId);
      const after: Group = {
        ...before,
        name: command.name ?? before.name,
        ...(before.kind === 'dynamic' ? { filter: command.filter ?? before.filter ?? '' } : {}),
        parentId,
        description: command.description ?? before.description,
        updatedAt: now(),
        revision: before.revision + 1,
      };
      if (after.parentId === undefined) delete after.parentId;
      checkDefinition(after, await maintainer.groups(), before.id);
      await store.groups.update(after, command.revision ?? before.revision);
      maintainer.invalidate();
      await events.groupChanged(after);
      const reevaluate = after.filter !== before.filter || after.parentId !== before.parentId;
      return { group: after, evaluation: reevaluate ? await maintainer.evaluateNow(after.id) : null };
    });
  }
}
