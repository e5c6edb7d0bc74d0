import { REQUESTED_BY_METADATA_KEY, acsV1 as pb } from '@acs/contracts';
import { unary, ValidationError } from '@acs/platform';
import type { Metadata } from '@grpc/grpc-js';

import type { GroupingUseCases } from '../usecases/grouping-usecases';
import type { EvaluationResult } from '../usecases/membership-maintainer';
import {
  createCommandFromProto,
  decodeMembersPageToken,
  encodeMembersPageToken,
  evaluationToProto,
  groupToProto,
  selectionFromProto,
  updateCommandFromProto,
} from './group.mappers';

/**
 * acs.v1 GroupService, served by the grouping service (the NBI relays it): transport and mapping only. The use cases'
 * ValidationError, NotFoundError and ConflictError become statuses with details at the host (toGrpcError).
 *
 *   host.addService(acsV1.GroupServiceService, new GroupGrpcController(core.useCases).implementation);
 */
export class GroupGrpcController {
  readonly implementation: pb.GroupServiceServer;

  constructor(
    private readonly useCases: GroupingUseCases,
    /** A monotonic clock in ms, for the evaluations' durations. */
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.implementation = {
      createGroup: unary((request: pb.CreateGroupRequest, call) => this.createGroup(request, call.metadata)),
      getGroup: unary((request: pb.GetGroupRequest) => this.getGroup(request)),
      listGroups: unary(() => this.listGroups()),
      updateGroup: unary((request: pb.UpdateGroupRequest) => this.updateGroup(request)),
      deleteGroup: unary((request: pb.DeleteGroupRequest) => this.deleteGroup(request)),
      addGroupMembers: unary((request: pb.AddGroupMembersRequest) => this.changeMembers('addMembers', request)),
      removeGroupMembers: unary((request: pb.RemoveGroupMembersRequest) => this.changeMembers('removeMembers', request)),
      listGroupMembers: unary((request: pb.ListGroupMembersRequest) => this.listGroupMembers(request)),
      listDeviceGroups: unary((request: pb.ListDeviceGroupsRequest) => this.listDeviceGroups(request)),
      evaluateGroup: unary((request: pb.EvaluateGroupRequest) => this.evaluateGroup(request)),
    };
  }

  async createGroup(request: pb.CreateGroupRequest, metadata: Metadata): Promise<pb.CreateGroupResponse> {
    const { result, durationMs } = await this.timed(() => this.useCases.createGroup.execute(createCommandFromProto(request, requestedByOf(metadata))));
    return { group: groupToProto(result.group), evaluation: evaluationToProto(result.evaluation, durationMs) };
  }

  async getGroup(request: pb.GetGroupRequest): Promise<pb.GetGroupResponse> {
    const { group, members } = await this.useCases.getGroup.execute(required('group_id', request.groupId));
    return { group: groupToProto(group), memberCount: members };
  }

  async listGroups(): Promise<pb.ListGroupsResponse> {
    return { groups: (await this.useCases.listGroups.execute()).map(groupToProto) };
  }

  async updateGroup(request: pb.UpdateGroupRequest): Promise<pb.UpdateGroupResponse> {
    const { result, durationMs } = await this.timed(() => this.useCases.updateGroup.execute(updateCommandFromProto(request)));
    return { group: groupToProto(result.group), ...(result.evaluation ? { evaluation: evaluationToProto(result.evaluation, durationMs) } : {}) };
  }

  async deleteGroup(request: pb.DeleteGroupRequest): Promise<pb.DeleteGroupResponse> {
    return this.useCases.deleteGroup.execute(required('group_id', request.groupId));
  }

  async changeMembers(useCase: 'addMembers' | 'removeMembers', request: pb.AddGroupMembersRequest): Promise<pb.AddGroupMembersResponse> {
    const groupId = required('group_id', request.groupId);
    const selection = selectionFromProto(request.selection);
    const { result, durationMs } = await this.timed(() => this.useCases[useCase].execute({ groupId, selection }));
    return { changed: result.changed, evaluation: evaluationToProto(result.evaluation, durationMs) };
  }

  async listGroupMembers(request: pb.ListGroupMembersRequest): Promise<pb.ListGroupMembersResponse> {
    const groupId = required('group_id', request.groupId);
    const page = await this.useCases.listGroupMembers.execute({ groupId, pageToken: decodeMembersPageToken(request.pageToken, groupId), pageSize: request.pageSize });
    return { deviceIds: page.deviceIds, totalSize: page.total, nextPageToken: encodeMembersPageToken(groupId, page.nextPageToken) };
  }

  async listDeviceGroups(request: pb.ListDeviceGroupsRequest): Promise<pb.ListDeviceGroupsResponse> {
    return { groups: (await this.useCases.listDeviceGroups.execute(required('device_id', request.deviceId))).map(groupToProto) };
  }

  async evaluateGroup(request: pb.EvaluateGroupRequest): Promise<pb.EvaluateGroupResponse> {
    const groupId = required('group_id', request.groupId);
    const { result, durationMs } = await this.timed<EvaluationResult>(() => this.useCases.evaluateGroup.execute(groupId));
    return { evaluation: evaluationToProto(result, durationMs) };
  }

  private async timed<T>(work: () => Promise<T>): Promise<{ result: T; durationMs: number }> {
    const started = this.clock();
    const result = await work();
    return { result, durationMs: this.clock() - started };
  }
}

function required(field: string, value: string): string {
  if (value === '') throw ValidationError.forField(field, 'required', 'REQUIRED');
  return value;
}

/** Who asked for the call: the NBI's authenticated client, in the REQUESTED_BY_METADATA_KEY entry; '' when absent. */
function requestedByOf(metadata: Metadata): string {
  const [value] = metadata.get(REQUESTED_BY_METADATA_KEY);
  return typeof value === 'string' ? value : '';
}
