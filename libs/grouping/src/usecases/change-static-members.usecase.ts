import { ValidationError } from '@acs/platform';

import { parseGroupRule } from '../domain/group-rule';
import type { GroupingUseCaseDeps } from './create-group.usecase';
import { groupOrNotFound } from './group-validation';
import type { EvaluationResult } from './membership-maintainer';

/** Devices named by id, or the devices a filter selects now (evaluated once: later changes do not move them). */
export type MemberSelection = { deviceIds: readonly string[] } | { filter: string };

export interface ChangeStaticMembersCommand {
  groupId: string;
  selection: MemberSelection;
}

export const MAX_IDS_PER_CHANGE = 10_000;

/**
 * Adds devices to or removes them from a static group's explicit list, then re-evaluates the group (a nested group's
 * members are those of the list that are members of its parent) and the groups nested in it. Ids need not be known
 * to provisioning: a device listed before it first informs is a member once it is in the parent.
 */
export class ChangeStaticMembers {
  constructor(
    private readonly deps: GroupingUseCaseDeps,
    private readonly direction: 'add' | 'remove',
  ) {}

  execute(command: ChangeStaticMembersCommand): Promise<{ changed: number; evaluation: EvaluationResult }> {
    const { store, maintainer, now } = this.deps;
    return maintainer.serially(async () => {
      const group = await groupOrNotFound((id) => store.groups.get(id), command.groupId);
      if (group.kind !== 'static') throw ValidationError.forField('groupId', `group ${group.name} is dynamic: its filter decides its members`, 'BAD_KIND');
      const deviceIds = 'filter' in command.selection ? await this.selected(command.selection.filter) : validIds(command.selection.deviceIds);
      let changed = 0;
      const at = now();
      for (const deviceId of deviceIds) {
        const done = this.direction === 'add' ? await store.explicitMembers.add(group.id, deviceId, at) : await store.explicitMembers.remove(group.id, deviceId);
        if (done) changed += 1;
      }
      return { changed, evaluation: await maintainer.evaluateNow(group.id) };
    });
  }

  private async selected(filter: string): Promise<Set<string>> {
    // Parsed here too, so a filter provisioning would refuse is a ValidationError on `selection.filter` either way.
    parseGroupRule(filter, 'selection.filter');
    return this.deps.maintainer.matching(filter);
  }
}

function validIds(deviceIds: readonly string[]): readonly string[] {
  if (deviceIds.length === 0) throw ValidationError.forField('selection.deviceIds', 'names no device', 'REQUIRED');
  if (deviceIds.length > MAX_IDS_PER_CHANGE) throw ValidationError.forField('selection.deviceIds', `names more than ${MAX_IDS_PER_CHANGE} devices: use a filter or several requests`, 'OUT_OF_RANGE');
  const bad = deviceIds.findIndex((id) => typeof id !== 'string' || id.trim() === '' || id.length > 512);
  if (bad !== -1) throw ValidationError.forField(`selection.deviceIds[${bad}]`, 'is not a device id', 'BAD_FORMAT');
  return deviceIds;
}
