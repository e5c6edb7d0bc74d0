/**
 * A group of devices (docs/grouping.md). Its own rule is an explicit list of devices (`static`) or a filter over the
 * inventory (`dynamic`); a nested group (`parentId`) has as members the devices its own rule selects that are members
 * of its parent: effective(g) = rule(g) ∩ effective(parent(g)) (ADR 27).
 */
export type GroupKind = 'static' | 'dynamic';

export const GROUP_KINDS: readonly GroupKind[] = ['static', 'dynamic'];

export interface Group {
  id: string;
  /** Unique among groups (case as written). */
  name: string;
  kind: GroupKind;
  /** A dynamic group's filter (docs/filter-language.md); '' is every device. Absent for a static group. */
  filter?: string;
  /** The parent of a nested group. */
  parentId?: string;
  description?: string;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  /** Moves on with every change: updates are compare-and-set on it. */
  revision: number;
}

/** Why a device joined or left a group (the `reason` of acs.group device events). */
export type MembershipReason = 'rule' | 'parent' | 'deleted';

/** A device's membership changing in one group. */
export interface MembershipChange {
  group: Group;
  deviceId: string;
  joined: boolean;
  reason: MembershipReason;
}
