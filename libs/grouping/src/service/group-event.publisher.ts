import { AcsGroupEventType, newEvent, type AcsGroupEventData } from '@acs/contracts';
import type { EventBus, Logger } from '@acs/platform';

import type { Group, MembershipChange } from '../domain/group';
import type { GroupEvents } from '../usecases/grouping-ports';

/**
 * Publishes `acs.group` (docs/events.md) after each change is stored. A publish that fails is logged and the change
 * stands (the membership store stays the truth: a consumer catching up lists the members), as does one lost to a
 * process dying between the write and the publish.
 */
export class GroupEventPublisher implements GroupEvents {
  constructor(
    private readonly deps: {
      bus: Pick<EventBus, 'publish'>;
      logger: Pick<Logger, 'warn'>;
      now: () => number;
    },
  ) {}

  groupCreated(group: Group): Promise<void> {
    return this.publish([newEvent(AcsGroupEventType.groupCreated, group.id, factsOf(group), { now: this.deps.now() })]);
  }

  groupChanged(group: Group): Promise<void> {
    return this.publish([newEvent(AcsGroupEventType.groupChanged, group.id, factsOf(group), { now: this.deps.now() })]);
  }

  groupDeleted(group: Group): Promise<void> {
    return this.publish([newEvent(AcsGroupEventType.groupDeleted, group.id, factsOf(group), { now: this.deps.now() })]);
  }

  membershipChanged(changes: readonly MembershipChange[]): Promise<void> {
    const now = this.deps.now();
    // Keyed by device: a consumer following one device sees its joins and leaves in order.
    return this.publish(
      changes.map((change) =>
        newEvent(change.joined ? AcsGroupEventType.deviceJoined : AcsGroupEventType.deviceLeft, change.deviceId, { ...factsOf(change.group), deviceId: change.deviceId, reason: change.reason }, { now }),
      ),
    );
  }

  private async publish(messages: Parameters<EventBus['publish']>[0]): Promise<void> {
    try {
      await this.deps.bus.publish(messages);
    } catch (error) {
      this.deps.logger.warn({ err: error, events: messages.length, type: messages[0]?.type }, 'acs.group events not published; the memberships stand');
    }
  }
}

function factsOf(group: Group): AcsGroupEventData {
  const facts: AcsGroupEventData = { groupId: group.id, groupName: group.name, groupKind: group.kind };
  if (group.parentId !== undefined) facts.parentId = group.parentId;
  if (group.filter !== undefined) facts.filter = group.filter;
  return facts;
}
