import { ValidationError } from '@acs/platform';

import type { GroupingUseCaseDeps } from './create-group.usecase';
import { groupOrNotFound } from './group-validation';

export interface ListGroupMembersQuery {
  groupId: string;
  /** The `nextPageToken` of the previous page; '' for the first. */
  pageToken: string;
  pageSize: number;
}

export const DEFAULT_MEMBERS_PAGE = 100;
export const MAX_MEMBERS_PAGE = 10_000;

/** A group's members in device-id order, paged by keyset (a page token is the last id of the page before), and their count. */
export class ListGroupMembers {
  constructor(private readonly deps: Pick<GroupingUseCaseDeps, 'store'>) {}

  async execute(query: ListGroupMembersQuery): Promise<{ deviceIds: string[]; total: number; nextPageToken: string }> {
    const { store } = this.deps;
    await groupOrNotFound((id) => store.groups.get(id), query.groupId);
    if (!Number.isInteger(query.pageSize) || query.pageSize < 0 || query.pageSize > MAX_MEMBERS_PAGE) {
      throw ValidationError.forField('pageSize', `is from 0 (the default, ${DEFAULT_MEMBERS_PAGE}) to ${MAX_MEMBERS_PAGE}`, 'OUT_OF_RANGE');
    }
    const limit = query.pageSize === 0 ? DEFAULT_MEMBERS_PAGE : query.pageSize;
    const [page, total] = await Promise.all([store.members.members(query.groupId, { after: query.pageToken, limit }), store.members.count(query.groupId)]);
    return { deviceIds: page.deviceIds, total, nextPageToken: page.next };
  }
}
