import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AcsDeviceEventType, type AcsDeviceEventData, type AcsGroupEventData, type AcsTaskFault } from '@acs/contracts';
import type { BusMessage } from '@acs/platform';
import pino from 'pino';

import { openSqliteGroupingStore, type SqliteGroupingStore } from '../repositories/sqlite-store';
import type { JobTaskStatus } from '../domain/job-outcome';
import { GroupEventPublisher } from '../service/group-event.publisher';
import { JobEventPublisher } from '../service/job-event.publisher';
import { createGroupingCore, type GroupingCore, type GroupingUseCases } from '../usecases/grouping-usecases';
import type { JobCampaigns } from '../usecases/job-ports';
import { createJobCore, type JobCore, type JobUseCases } from '../usecases/job-usecases';
import { InMemoryInventory, type InventoryDevice } from './in-memory-inventory';
import { InMemoryJobTasks } from './in-memory-job-tasks';

/**
 * The grouping use cases and the jobs on the embedded store in a throw-away directory, an in-memory inventory,
 * in-memory provisioning tasks, a recording bus and a clock the spec moves.
 */
export class GroupingFixture {
  /** Every event published, in order. */
  readonly published: BusMessage[] = [];
  readonly core: GroupingCore;
  readonly jobCore: JobCore;
  readonly tasks: InMemoryJobTasks;
  private ids = 0;
  private jobIds = 0;

  private constructor(
    readonly store: SqliteGroupingStore,
    readonly inventory: InMemoryInventory,
    readonly clock: { now: number },
    private readonly dataDir: string,
    campaigns?: JobCampaigns,
  ) {
    const bus = { publish: async (messages: BusMessage[]) => void this.published.push(...messages) };
    this.core = createGroupingCore({
      store,
      inventory,
      events: new GroupEventPublisher({ bus, logger: pino({ level: 'silent' }), now: () => clock.now }),
      logger: pino({ level: 'silent' }),
      now: () => clock.now,
      newId: () => `group-${++this.ids}`,
      pageSize: 7,
    });
    this.tasks = new InMemoryJobTasks(() => clock.now);
    this.jobCore = createJobCore({
      store,
      inventory,
      tasks: this.tasks,
      ...(campaigns ? { campaigns } : {}),
      events: new JobEventPublisher({ bus, jobs: store.jobs, rollouts: store.rollouts, logger: pino({ level: 'silent' }) }),
      owner: 'pod-a',
      leaseMs: 30_000,
      logger: pino({ level: 'silent' }),
      now: () => clock.now,
      newId: () => `job-${++this.jobIds}`,
    });
  }

  /** `campaigns`: the firmware service's, for campaign jobs (none: their runs fail, saying no firmware service is reached). */
  static async open(devices: readonly InventoryDevice[] = [], options: { campaigns?: JobCampaigns; now?: number } = {}): Promise<GroupingFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-grouping-'));
    return new GroupingFixture(openSqliteGroupingStore({ dataDir }), new InMemoryInventory(devices), { now: options.now ?? Date.UTC(2027, 0, 4, 12) }, dataDir, options.campaigns);
  }

  get useCases(): GroupingUseCases {
    return this.core.useCases;
  }

  get jobs(): JobUseCases {
    return this.jobCore.useCases;
  }

  /** Moves the clock and runs one job scheduler round (runs ticked, due runs started). */
  async round(advanceMs = 0): Promise<void> {
    this.clock.now += advanceMs;
    await this.jobCore.round();
  }

  /** Provisioning publishes the news of the device's newest job task (acs.task), and the jobs' consumer hears it. */
  async taskNews(deviceId: string, status: JobTaskStatus, fault?: AcsTaskFault): Promise<void> {
    await this.jobs.recordJobOutcome.onTask(this.tasks.eventOf(deviceId, status, fault));
  }

  /** The acs.group job events since `from`, as `<type without acs.group.> <runId or jobId>`. */
  jobEvents(from = 0): string[] {
    return this.published
      .slice(from)
      .filter((event) => event.type.startsWith('acs.group.job-'))
      .map((event) => {
        const data = event.data as { jobId: string; runId?: string };
        return `${event.type.slice('acs.group.'.length)} ${data.runId ?? data.jobId}`;
      });
  }

  /** A device reports changed parameters (provisioning has stored them, then published acs.device parameters-changed). */
  async valueChange(deviceId: string, parameters: Record<string, string | number | boolean>): Promise<void> {
    for (const [path, value] of Object.entries(parameters)) this.inventory.setParameter(deviceId, path, value);
    const data: AcsDeviceEventData = { ...identityOf(deviceId), softwareVersion: this.inventory.softwareVersionOf(deviceId), eventCodes: ['4 VALUE CHANGE'], parameters: Object.entries(parameters).map(([path, value]) => ({ path, value })) };
    await this.useCases.applyDeviceEvent.execute(AcsDeviceEventType.parametersChanged, data);
  }

  /** The device is tagged or untagged through the API (provisioning stored its tags, then published them). */
  async tag(deviceId: string, tags: string[]): Promise<void> {
    this.inventory.setTags(deviceId, tags);
    await this.useCases.applyDeviceEvent.execute(AcsDeviceEventType.tagsChanged, { ...identityOf(deviceId), tags });
  }

  /** A new device informs for the first time. */
  async register(device: InventoryDevice): Promise<void> {
    this.inventory.put(device);
    await this.useCases.applyDeviceEvent.execute(AcsDeviceEventType.registered, { ...identityOf(device.id), softwareVersion: this.inventory.softwareVersionOf(device.id), eventCodes: ['0 BOOTSTRAP', '1 BOOT'] });
  }

  /** The published acs.group device events since `from`, as `joined|left <group name> <device> (<reason>)`. */
  membershipEvents(from = 0): string[] {
    return this.published
      .slice(from)
      .filter((event) => event.type === 'acs.group.device-joined' || event.type === 'acs.group.device-left')
      .map((event) => {
        const data = event.data as AcsGroupEventData;
        return `${event.type === 'acs.group.device-joined' ? 'joined' : 'left'} ${data.groupName} ${data.deviceId} (${data.reason})`;
      });
  }

  /** Every member of a group, in id order. */
  async members(groupId: string): Promise<string[]> {
    const all: string[] = [];
    let after = '';
    do {
      const page = await this.store.members.members(groupId, { after, limit: 3 });
      all.push(...page.deviceIds);
      after = page.next;
    } while (after !== '');
    return all;
  }

  async close(): Promise<void> {
    await this.store.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** The identity an acs.device event carries for a device id of the form `OUI-ProductClass-Serial`. */
function identityOf(deviceId: string): Pick<AcsDeviceEventData, 'deviceId' | 'oui' | 'productClass' | 'serialNumber'> {
  const [oui = '', productClass = '', serialNumber = ''] = deviceId.split('-');
  return { deviceId, oui, productClass, serialNumber };
}
