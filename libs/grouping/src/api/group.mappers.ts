import { acsV1 as pb } from '@acs/contracts';
import { ValidationError } from '@acs/platform';

import type { Group, GroupKind } from '../domain/group';
import type { MemberSelection } from '../usecases/change-static-members.usecase';
import type { UpdateGroupCommand } from '../usecases/update-group.usecase';
import type { EvaluationResult } from '../usecases/membership-maintainer';

export function groupToProto(group: Group): pb.Group {
  return {
    id: group.id,
    name: group.name,
    kind: group.kind,
    filter: group.filter ?? '',
    parentId: group.parentId ?? '',
    description: group.description ?? '',
    createTime: new Date(group.createdAt),
    createdBy: group.createdBy,
    updateTime: new Date(group.updatedAt),
    revision: group.revision,
  };
}

export function evaluationToProto(evaluation: EvaluationResult, durationMs: number): pb.GroupEvaluation {
  return { members: evaluation.members, joined: evaluation.joined, left: evaluation.left, groups: evaluation.groups, durationMs: Math.max(0, Math.round(durationMs)) };
}

/**
 * A create request as the use case takes it. The kind is passed through as written (the use case's validation names
 * a wrong one); a static group's empty filter is the proto's unset, not a filter.
 */
export function createCommandFromProto(request: pb.CreateGroupRequest, createdBy: string): { name: string; kind: GroupKind; filter?: string; parentId?: string; description?: string; createdBy: string } {
  return {
    name: request.name,
    kind: request.kind as GroupKind,
    ...(request.kind === 'dynamic' || request.filter !== '' ? { filter: request.filter } : {}),
    ...(request.parentId !== '' ? { parentId: request.parentId } : {}),
    ...(request.description !== '' ? { description: request.description } : {}),
    createdBy,
  };
}

/** An update request: unset fields unchanged; an empty parent_id makes the group top-level. */
export function updateCommandFromProto(request: pb.UpdateGroupRequest): UpdateGroupCommand {
  if (request.groupId === '') throw ValidationError.forField('group_id', 'required', 'REQUIRED');
  return {
    id: request.groupId,
    ...(request.revision !== undefined ? { revision: request.revision } : {}),
    ...(request.name !== undefined ? { name: request.name } : {}),
    ...(request.description !== undefined ? { description: request.description } : {}),
    ...(request.filter !== undefined ? { filter: request.filter } : {}),
    ...(request.parentId !== undefined ? { parentId: request.parentId === '' ? null : request.parentId } : {}),
  };
}

export function selectionFromProto(selection: pb.MemberSelection | undefined): MemberSelection {
  switch (selection?.selection?.$case) {
    case 'deviceIds':
      return { deviceIds: selection.selection.deviceIds.ids };
    case 'filter':
      return { filter: selection.selection.filter };
    case undefined:
      throw ValidationError.forField('selection', 'required: device_ids or filter', 'REQUIRED');
  }
}

const MEMBERS_TOKEN_PREFIX = 'm:';

/**
 * ListGroupMembers' page token: the last device id of the page before (keyset paging on device ids, which are text,
 * so not @acs/platform's integer keyset token), bound to the group so a token of another group's listing is refused.
 */
export function encodeMembersPageToken(groupId: string, after: string): string {
  return after === '' ? '' : Buffer.from(`${MEMBERS_TOKEN_PREFIX}${JSON.stringify([groupId, after])}`, 'utf8').toString('base64url');
}

/** The device id a ListGroupMembers page token starts after; '' for none. ValidationError on `page_token` otherwise. */
export function decodeMembersPageToken(token: string, groupId: string): string {
  if (token === '') return '';
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  let parsed: unknown;
  try {
    parsed = text.startsWith(MEMBERS_TOKEN_PREFIX) ? JSON.parse(text.slice(MEMBERS_TOKEN_PREFIX.length)) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || parsed[1] === '') {
    throw ValidationError.forField('page_token', "not a page token of this listing: pass the previous response's next_page_token", 'BAD_FORMAT');
  }
  if (parsed[0] !== groupId) throw ValidationError.forField('page_token', 'a page token of another group: repeat the request that returned it with only page_token changed', 'BAD_FORMAT');
  return parsed[1];
}
