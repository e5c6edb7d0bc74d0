import { randomUUID } from 'node:crypto';

import type { Logger } from '@acs/platform';

import type { GroupingStore } from '../repositories/ports';
import { ApplyDeviceEvent } from './apply-device-event.usecase';
import { ChangeStaticMembers } from './change-static-members.usecase';
import { CreateGroup, type GroupingUseCaseDeps } from './create-group.usecase';
import { DeleteGroup } from './delete-group.usecase';
import { EvaluateGroup } from './evaluate-group.usecase';
import { GetGroup, ListGroups } from './get-group.usecase';
import type { DeviceInventory, GroupEvents } from './grouping-ports';
import { ListDeviceGroups } from './list-device-groups.usecase';
import { ListGroupMembers } from './list-group-members.usecase';
import { MembershipMaintainer } from './membership-maintainer';
import { ReevaluateUneventedGroups } from './reevaluate-unevented-groups.usecase';
import { UpdateGroup } from './update-group.usecase';

export interface GroupingCoreDeps {
  store: GroupingStore;
  inventory: DeviceInventory;
  events: GroupEvents;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
  newId?: () => string;
  /** Devices per page read from provisioning in a full evaluation (default 1000). */
  pageSize?: number;
}

export interface GroupingUseCases {
  createGroup: CreateGroup;
  updateGroup: UpdateGroup;
  deleteGroup: DeleteGroup;
  addMembers: ChangeStaticMembers;
  removeMembers: ChangeStaticMembers;
  evaluateGroup: EvaluateGroup;
  getGroup: GetGroup;
  listGroups: ListGroups;
  listGroupMembers: ListGroupMembers;
  listDeviceGroups: ListDeviceGroups;
  applyDeviceEvent: ApplyDeviceEvent;
  reevaluateUneventedGroups: ReevaluateUneventedGroups;
}

export interface GroupingCore {
  useCases: GroupingUseCases;
  maintainer: MembershipMaintainer;
}

/** Every grouping use case built once on the store and the ports. */
export function createGroupingCore(deps: GroupingCoreDeps): GroupingCore {
  const now = deps.now ?? Date.now;
  const maintainer = new MembershipMaintainer({ store: deps.store, inventory: deps.inventory, events: deps.events, logger: deps.logger, now, pageSize: deps.pageSize });
  const shared: GroupingUseCaseDeps = { store: deps.store, maintainer, events: deps.events, now, newId: deps.newId ?? randomUUID };
  return {
    maintainer,
    useCases: {
      createGroup: new CreateGroup(shared),
      updateGroup: new UpdateGroup(shared),
      deleteGroup: new DeleteGroup(shared),
      addMembers: new ChangeStaticMembers(shared, 'add'),
      removeMembers: new ChangeStaticMembers(shared, 'remove'),
      evaluateGroup: new EvaluateGroup(shared),
      getGroup: new GetGroup(shared),
      listGroups: new ListGroups(shared),
      listGroupMembers: new ListGroupMembers(shared),
      listDeviceGroups: new ListDeviceGroups(shared),
      applyDeviceEvent: new ApplyDeviceEvent(maintainer),
      reevaluateUneventedGroups: new ReevaluateUneventedGroups({ maintainer, logger: deps.logger }),
    },
  };
}
