import type { GroupMemberPage, GroupMembers } from '../usecases/campaign-ports';

/**
 * The grouping service's ListGroupMembers use case as firmware sees it: the shape of `GroupingCore.useCases
 * .listGroupMembers` (libs/grouping), written out here because a service's lib never imports another's.
 */
export interface ListGroupMembersUseCase {
  execute(query: { groupId: string; pageToken: string; pageSize: number }): Promise<{ deviceIds: string[]; nextPageToken: string }>;
}

/**
 * Group members read from the grouping core in this process (the standalone, which runs both services). The use
 * case is looked up at each call: the standalone's modules are built in an order of Nest's choosing, and the first
 * campaign comes long after both are up. A pod reads them over gRPC (GroupService.ListGroupMembers) instead.
 */
export class InProcessGroupMembers implements GroupMembers {
  constructor(private readonly listGroupMembers: () => ListGroupMembersUseCase) {}

  async page(groupId: string, pageToken: string, pageSize: number): Promise<GroupMemberPage> {
    const { deviceIds, nextPageToken } = await this.listGroupMembers().execute({ groupId, pageToken, pageSize });
    return { deviceIds, nextPageToken };
  }
}
