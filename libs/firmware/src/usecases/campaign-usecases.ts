import { randomUUID } from 'node:crypto';

import type { Logger } from '@acs/platform';
import { RolloutEngine, type RolloutNotification } from '@acs/rollout';

import { interpretUpgradeObservation, type Campaign, type CampaignStatus } from '../domain';
import type { FirmwareStore } from '../repositories/ports';
import type { DeviceInventory, DeviceTasks, GroupMembers } from './campaign-ports';
import { ChangeCampaignState } from './change-campaign-state.usecase';
import { CreateCampaign } from './create-campaign.usecase';
import { GetCampaign } from './get-campaign.usecase';
import { ListCampaignDevices } from './list-campaign-devices.usecase';
import { ListCampaigns } from './list-campaigns.usecase';
import { RecordUpgradeOutcome } from './record-upgrade-outcome.usecase';
import { ResumeCampaignCreation } from './resume-campaign-creation.usecase';
import { RollbackCampaign } from './rollback-campaign.usecase';
import { StartDeviceUpgrade, type DownloadSigning } from './start-device-upgrade';

/** Every campaign operation, one use case each. */
export interface CampaignUseCases {
  createCampaign: CreateCampaign;
  getCampaign: GetCampaign;
  listCampaigns: ListCampaigns;
  listCampaignDevices: ListCampaignDevices;
  changeCampaignState: ChangeCampaignState;
  rollbackCampaign: RollbackCampaign;
  recordUpgradeOutcome: RecordUpgradeOutcome;
}

export interface CampaignCoreDeps {
  store: Pick<FirmwareStore, 'files' | 'campaigns' | 'rollouts'>;
  inventory: DeviceInventory;
  /** The grouping service's group members, for campaigns over a group (absent: such campaigns are refused). */
  members?: GroupMembers;
  tasks: DeviceTasks;
  signing: DownloadSigning;
  /** This pod's name among the pods sharing the store (the rollout engine's owner). */
  owner: string;
  /** How long a pod drives a campaign without ticking it before another takes it over (ACS_FIRMWARE_LEASE_MS). */
  leaseMs?: number;
  logger: Logger;
  now?: () => number;
  newId?: () => string;
  /** Hears of every campaign created and every change of a campaign's rollout after it is stored (CampaignEventPublisher publishes acs.firmware from them). */
  events?: { created(campaign: Campaign): Promise<void>; notify(notification: RolloutNotification): Promise<void> };
}

export interface CampaignCore {
  useCases: CampaignUseCases;
  /** Ticked by the scheduler (tickAll) and after outcomes. */
  engine: RolloutEngine;
  /**
   * Sets each stored campaign status that lags its rollout's state (a process that died between the engine's write
   * and its notification): run at start, so a campaign that ended no longer holds its files. How many it corrected.
   */
  syncStatuses(): Promise<number>;
  /** Finishes creations whose pod died before the campaign started (ResumeCampaignCreation); run by the scheduler. */
  resumeCreations(): Promise<number>;
}

const STATUS_OF: Partial<Record<RolloutNotification['type'], CampaignStatus>> = {
  started: 'running',
  paused: 'paused',
  resumed: 'running',
  completed: 'completed',
  cancelled: 'cancelled',
};

/** The campaign use cases and their rollout engine, built once over the store: by the module and by the specs. */
export function createCampaignCore(deps: CampaignCoreDeps): CampaignCore {
  const { store, logger } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const executor = new StartDeviceUpgrade({ files: store.files, tasks: deps.tasks, rollouts: store.rollouts, signing: deps.signing, now });
  const engine = new RolloutEngine({
    store: store.rollouts,
    executor,
    owner: deps.owner,
    now,
    ...(deps.leaseMs !== undefined ? { leaseMs: deps.leaseMs } : {}),
    interpret: interpretUpgradeObservation,
    notify: async (notification) => {
      if (notification.type === 'driving') {
        logger.info({ campaignId: notification.rolloutId, pod: deps.owner, epoch: notification.epoch }, `this pod drives campaign ${notification.rolloutId}`);
        return;
      }
      // The stored status follows the rollout's, so a file's deletion sees which campaigns have ended.
      const status = STATUS_OF[notification.type];
      if (status) await store.campaigns.setStatus(notification.rolloutId, status);
      await deps.events?.notify(notification);
    },
  });
  const events = deps.events;
  const common = { campaigns: store.campaigns, files: store.files, inventory: deps.inventory, ...(deps.members ? { members: deps.members } : {}), engine, logger, now, newId, ...(events ? { onCreated: (campaign: Campaign) => events.created(campaign) } : {}) };
  const syncStatuses = async (): Promise<number> => {
    let corrected = 0;
    const pageSize = 500;
    for (let skip = 0; ; skip += pageSize) {
      const page = await store.campaigns.list({ skip, limit: pageSize });
      for (const campaign of page.items) {
        const rollout = await store.rollouts.getRollout(campaign.id);
        if (rollout && rollout.state !== campaign.status) {
          await store.campaigns.setStatus(campaign.id, rollout.state);
          corrected += 1;
        }
      }
      if (page.items.length < pageSize) return corrected;
    }
  };
  const createCampaign = new CreateCampaign(common);
  const rollbackCampaign = new RollbackCampaign({ ...common, rollouts: store.rollouts });
  const resumeCreations = new ResumeCampaignCreation({
    campaigns: store.campaigns,
    rollouts: store.rollouts,
    engine,
    complete: (campaign) => (campaign.kind === 'rollback' ? rollbackCampaign.complete(campaign) : createCampaign.complete(campaign)),
    logger,
    now,
  });
  return {
    engine,
    syncStatuses,
    resumeCreations: () => resumeCreations.execute(),
    useCases: {
      createCampaign,
      getCampaign: new GetCampaign({ campaigns: store.campaigns, engine }),
      listCampaigns: new ListCampaigns(store.campaigns),
      listCampaignDevices: new ListCampaignDevices({ campaigns: store.campaigns, rollouts: store.rollouts }),
      changeCampaignState: new ChangeCampaignState({ campaigns: store.campaigns, engine, logger }),
      rollbackCampaign,
      recordUpgradeOutcome: new RecordUpgradeOutcome({ engine, logger }),
    },
  };
}
