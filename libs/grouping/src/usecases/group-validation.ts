import { NotFoundError, ValidationError, type FieldViolation } from '@acs/platform';

import type { GroupDirectory } from '../domain/group-directory';
import { GROUP_KINDS, type Group, type GroupKind } from '../domain/group';
import { parseGroupRule } from '../domain/group-rule';

export const MAX_GROUP_NAME_LENGTH = 128;
export const MAX_DESCRIPTION_LENGTH = 1024;

/** What a group's definition says, as create and update take it. */
export interface GroupDefinition {
  name: string;
  kind: GroupKind;
  filter?: string;
  parentId?: string;
  description?: string;
}

/** The violations of a definition's own fields (the parent's existence and cycles are checked against the directory). */
export function definitionViolations(definition: GroupDefinition): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const name = definition.name ?? '';
  if (name.trim() === '') violations.push({ field: 'name', description: 'is required', reason: 'REQUIRED' });
  else if (name.length > MAX_GROUP_NAME_LENGTH) violations.push({ field: 'name', description: `is longer than ${MAX_GROUP_NAME_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  else if (name !== name.trim() || /\p{Cc}/u.test(name)) violations.push({ field: 'name', description: 'has leading or trailing spaces or control characters', reason: 'BAD_FORMAT' });
  if (!GROUP_KINDS.includes(definition.kind)) violations.push({ field: 'kind', description: `is one of ${GROUP_KINDS.join(', ')}`, reason: 'BAD_FORMAT' });
  if (definition.kind === 'static' && definition.filter !== undefined) {
    violations.push({ field: 'filter', description: 'a static group has no filter: add members by id or by a filter evaluated once', reason: 'BAD_FORMAT' });
  }
  if (definition.kind === 'dynamic') {
    try {
      parseGroupRule(definition.filter ?? '');
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      violations.push(...error.fieldViolations);
    }
  }
  if ((definition.description ?? '').length > MAX_DESCRIPTION_LENGTH) {
    violations.push({ field: 'description', description: `is longer than ${MAX_DESCRIPTION_LENGTH} characters`, reason: 'OUT_OF_RANGE' });
  }
  if (definition.parentId === '') violations.push({ field: 'parentId', description: 'is a group id, or absent for a top-level group', reason: 'BAD_FORMAT' });
  return violations;
}

/** Throws ValidationError for a bad definition, NotFoundError for a missing parent, ValidationError for a cycle. */
export function checkDefinition(definition: GroupDefinition, directory: GroupDirectory, groupId?: string): void {
  const violations = definitionViolations(definition);
  if (violations.length > 0) throw new ValidationError(`invalid group: ${violations.map((v) => `${v.field} ${v.description}`).join('; ')}`, violations);
  if (definition.parentId === undefined) return;
  if (!directory.get(definition.parentId)) throw new NotFoundError('group', definition.parentId, `parent group ${definition.parentId} not found`);
  if (groupId !== undefined && directory.wouldCycle(groupId, definition.parentId)) {
    throw ValidationError.forField('parentId', `group ${definition.parentId} is ${definition.parentId === groupId ? 'the group itself' : 'nested in this group'}: groups may not form a cycle`, 'CYCLE');
  }
}

/** The group or NotFoundError. */
export async function groupOrNotFound(get: (id: string) => Promise<Group | null>, id: string): Promise<Group> {
  const group = await get(id);
  if (!group) throw new NotFoundError('group', id);
  return group;
}
