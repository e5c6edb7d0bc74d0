import type { Group } from '../domain/group';
import type { GroupingUseCaseDeps } from './create-group.usecase';
import { groupOrNotFound } from './group-validation';

/** A group and its member count. */
export class GetGroup {
  constructor(private readonly deps: Pick<GroupingUseCaseDeps, 'store'>) {}

  async execute(id: string): Promise<{ group: Group; members: number }> {
    const group = await groupOrNotFound((groupId) => this.deps.store.groups.get(groupId), id);
    return { group, members: await this.deps.store.members.count(id) };
  }
}

/** Every group, by name (groups are few). */
export class ListGroups {
  constructor(private readonly deps: Pick<GroupingUseCaseDeps, 'store'>) {}

  execute(): Promise<Group[]> {
    return this.deps.store.groups.all();
  }
}
