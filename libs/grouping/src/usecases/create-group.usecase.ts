import type { Group } from '../domain/group';
import type { GroupingStore } from '../repositories/ports';
import type { GroupEvents } from './grouping-ports';
import { checkDefinition, type GroupDefinition } from './group-validation';
import type { EvaluationResult, MembershipMaintainer } from './membership-maintainer';

export interface CreateGroupCommand extends GroupDefinition {
  createdBy: string;
}

export interface GroupingUseCaseDeps {
  store: GroupingStore;
  maintainer: MembershipMaintainer;
  events: GroupEvents;
  now: () => number;
  newId: () => string;
}

/**
 * Creates a group and evaluates its membership: a dynamic group's filter over the inventory (within the parent's
 * members, for a nested group); a static group starts empty. acs.group group-created, then device-joined for each
 * member.
 */
export class CreateGroup {
  constructor(private readonly deps: GroupingUseCaseDeps) {}

  execute(command: CreateGroupCommand): Promise<{ group: Group; evaluation: EvaluationResult }> {
    const { store, maintainer, events, now, newId } = this.deps;
    return maintainer.serially(async () => {
      checkDefinition(command, await maintainer.groups());
      const at = now();
      const group: Group = {
        id: newId(),
        name: command.name,
        kind: command.kind,
        ...(command.kind === 'dynamic' ? { filter: command.filter ?? '' } : {}),
        ...(command.parentId !== undefined ? { parentId: command.parentId } : {}),
        ...(command.description ? { description: command.description } : {}),
        createdAt: at,
        createdBy: command.createdBy,
        updatedAt: at,
        revision: 1,
      };
      await store.groups.insert(group);
      maintainer.invalidate();
      await events.groupCreated(group);
      return { group, evaluation: await maintainer.evaluateNow(group.id) };
    });
  }
}
