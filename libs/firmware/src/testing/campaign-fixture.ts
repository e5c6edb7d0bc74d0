import { evaluateFilter, parseFilter, type FilterDocumentReader, type FilterVocabulary } from '@acs/filter';
import type { BusMessage } from '@acs/platform';
import pino from 'pino';

import type { DeviceFacts } from '../domain';
import type { DeviceInventory, DevicePage, DeviceTasks, DownloadTaskRequest, FoundDownloadTask, GroupMembers } from '../usecases/campaign-ports';
import { createCampaignCore, type CampaignCore } from '../usecases/campaign-usecases';
import { CampaignEventPublisher } from '../service/campaign-event.publisher';
import { FirmwareFixture } from './firmware-fixture';

const VOCABULARY: FilterVocabulary = { fields: ['id', 'oui', 'productClass', 'hardwareVersion', 'softwareVersion'], timeFields: [], examplePath: 'Device.DeviceInfo.SoftwareVersion' };
const READER: FilterDocumentReader<DeviceFacts> = {
  valueOf: (device, field) => (field.kind === 'device' ? (device as unknown as Record<string, string>)[field.name] : undefined),
  tagsOf: () => [],
};

/**
 * A device inventory in memory that filters with the filter language itself (@acs/filter, as provisioning does),
 * for the campaign specs; the standalone e2e uses provisioning's.
 */
export class InMemoryInventory implements DeviceInventory {
  readonly devices = new Map<string, DeviceFacts>();
  /** Pages served before every further page fails (a pod dying while a campaign's devices stream in); none by default. */
  failAfterPages = Infinity;
  private served = 0;

  constructor(devices: readonly DeviceFacts[] = []) {
    for (const device of devices) this.devices.set(device.id, device);
  }

  async page(filter: string, pageToken: string, pageSize: number): Promise<DevicePage> {
    if (this.served >= this.failAfterPages) throw new Error('the pod died while the devices streamed in');
    this.served += 1;
    const expr = filter.trim() === '' ? null : parseFilter(filter, VOCABULARY);
    const matching = [...this.devices.values()].filter((device) => expr === null || evaluateFilter(expr, device, READER)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const from = pageToken === '' ? 0 : Number(pageToken);
    const devices = matching.slice(from, from + pageSize);
    return { devices, nextPageToken: from + pageSize < matching.length ? String(from + pageSize) : '' };
  }
}

/** Records the Download tasks asked for, with ids as provisioning would give them. */
export class RecordedDeviceTasks implements DeviceTasks {
  readonly created: Array<DownloadTaskRequest & { taskId: string; createdAt: number }> = [];

  constructor(private readonly now: () => number = Date.now) {}

  async createDownload(request: DownloadTaskRequest): Promise<{ taskId: string }> {
    const taskId = `task-${this.created.length + 1}`;
    this.created.push({ ...request, taskId, createdAt: this.now() });
    return { taskId };
  }

  async findDownload(query: { deviceId: string; source: string; createdSince: number; except?: string }): Promise<FoundDownloadTask | null> {
    const found = this.created.filter((task) => task.deviceId === query.deviceId && task.source === query.source && task.taskId !== query.except && task.createdAt >= query.createdSince).at(-1);
    return found ? { taskId: found.taskId, status: 'dispatched' } : null;
  }

  lastFor(deviceId: string): (DownloadTaskRequest & { taskId: string; createdAt: number }) | undefined {
    return this.created.filter((task) => task.deviceId === deviceId).at(-1);
  }
}

export const CAMPAIGN_DOWNLOAD_SECRET = Buffer.from('campaign-spec-download-secret-0123456789');
export const CAMPAIGN_FILE_SERVER_URL = 'http://files.acs.test:7549';

/** The campaign use cases on the embedded store, with a clock the spec moves. */
export class CampaignFixture {
  /** The first pod's use cases. */
  readonly core: CampaignCore;
  private constructor(
    readonly firmware: FirmwareFixture,
    readonly inventory: InMemoryInventory,
    readonly tasks: RecordedDeviceTasks,
    readonly clock: { now: number },
    /** The acs.firmware events published, in order. */
    readonly published: BusMessage[],
  ) {
    this.core = this.pod('spec-pod');
  }

  static async open(): Promise<CampaignFixture> {
    const clock = { now: Date.UTC(2027, 0, 4, 12) };
    const firmware = await FirmwareFixture.open({ now: () => clock.now });
    return new CampaignFixture(firmware, new InMemoryInventory(), new RecordedDeviceTasks(() => clock.now), clock, []);
  }

  /**
   * The campaign use cases of one pod on the fixture's store (another pod: another owner, its own inventory if given;
   * `members`: the grouping service's, for campaigns over a group).
   */
  pod(owner: string, inventory: InMemoryInventory = this.inventory, members?: GroupMembers): CampaignCore {
    const logger = pino({ level: 'silent' });
    const bus = { publish: async (messages: BusMessage[]) => void this.published.push(...messages) };
    return createCampaignCore({
      store: this.firmware.store,
      inventory,
      ...(members ? { members } : {}),
      tasks: this.tasks,
      signing: { secret: CAMPAIGN_DOWNLOAD_SECRET, baseUrl: () => CAMPAIGN_FILE_SERVER_URL, validForMs: 86_400_000 },
      owner,
      logger,
      now: () => this.clock.now,
      newId: () => `campaign-${++this.ids}`,
      events: new CampaignEventPublisher({ bus, campaigns: this.firmware.store.campaigns, logger, now: () => this.clock.now }),
    });
  }

  private ids = 0;

  get useCases(): CampaignCore['useCases'] {
    return this.core.useCases;
  }

  async close(): Promise<void> {
    await this.firmware.close();
  }
}
