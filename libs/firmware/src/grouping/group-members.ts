import { status } from '@grpc/grpc-js';
import type { GroupingClient } from '@acs/clients';
import { NotFoundError } from '@acs/platform';

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
 * campaign comes long after both are up. The services read them through GrpcGroupMembers; this one serves specs
 * that hold a grouping core.
 */
export class InProcessGroupMembers implements GroupMembers {
  constructor(private readonly listGroupMembers: () => ListGroupMembersUseCase) {}

  async page(groupId: string, pageToken: string, pageSize: number): Promise<GroupMemberPage> {
    const { deviceIds, nextPageToken } = await this.listGroupMembers().execute({ groupId, pageToken, pageSize });
    return { deviceIds, nextPageToken };
  }
}

/**
 * Group members through grouping's GroupService.ListGroupMembers: over gRPC from a firmware pod
 * (ACS_FIRMWARE_GROUPING_ADDRESS), through the process's host registry in the standalone. A group grouping does not
 * know is the NotFoundError CreateCampaign answers on `group_id`.
 */
export class GrpcGroupMembers implements GroupMembers {
  constructor(private readonly grouping: Pick<GroupingClient, 'groups'>) {}

  async page(groupId: string, pageToken: string, pageSize: number): Promise<GroupMemberPage> {
    try {
      const response = await this.grouping.groups.listGroupMembers({ groupId, pageToken, pageSize });
      return { deviceIds: response.deviceIds, nextPageToken: response.nextPageToken };
    } catch (error) {
      if ((error as { code?: unknown }).code === status.NOT_FOUND) throw new NotFoundError('group', groupId);
      throw error;
    }
  }
}
