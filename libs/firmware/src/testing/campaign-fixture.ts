import { evaluateFilter, parseFilter, type FilterDocumentReader, type FilterVocabulary } from '@acs/filter';
import type { BusMessage } from '@acs/platform';
import pino from 'pino';

import type { DeviceFacts } from '../domain';
import type { DeviceInventory, DevicePage, DeviceTasks, DownloadTaskRequest } from '../usecases/campaign-ports';
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

  constructor(devices: readonly DeviceFacts[] = []) {
    for (const device of devices) this.devices.set(device.id, device);
  }

  async page(filter: string, pageToken: string, pageSize: number): Promise<DevicePage> {
    const expr = filter.trim() === '' ? null : parseFilter(filter, VOCABULARY);
    const matching = [...this.devices.values()].filter((device) => expr === null || evaluateFilter(expr, device, READER)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const from = pageToken === '' ? 0 : Number(pageToken);
    const devices = matching.slice(from, from + pageSize);
    return { devices, nextPageToken: from + pageSize < matching.length ? String(from + pageSize) : '' };
  }
}

/** Records the Download tasks asked for, with ids as provisioning would give them. */
export class RecordedDeviceTasks implements DeviceTasks {
  readonly created: Array<DownloadTaskRequest & { taskId: string }> = [];

  async createDownload(request: DownloadTaskRequest): Promise<{ taskId: string }> {
    const taskId = `task-${this.created.length + 1}`;
    this.created.push({ ...request, taskId });
    return { taskId };
  }

  lastFor(deviceId: string): (DownloadTaskRequest & { taskId: string }) | undefined {
    return this.created.filter((task) => task.deviceId === deviceId).at(-1);
  }
}

export const CAMPAIGN_DOWNLOAD_SECRET = Buffer.from('campaign-spec-download-secret-0123456789');
export const CAMPAIGN_FILE_SERVER_URL = 'http://files.acs.test:7549';

/** The campaign use cases on the embedded store, with a clock the spec moves. */
export class CampaignFixture {
  private constructor(
    readonly firmware: FirmwareFixture,
    readonly core: CampaignCore,
    readonly inventory: InMemoryInventory,
    readonly tasks: RecordedDeviceTasks,
    readonly clock: { now: number },
    /** The acs.firmware events published, in order. */
    readonly published: BusMessage[],
  ) {}

  static async open(): Promise<CampaignFixture> {
    const clock = { now: Date.UTC(2027, 0, 4, 12) };
    const firmware = await FirmwareFixture.open({ now: () => clock.now });
    const inventory = new InMemoryInventory();
    const tasks = new RecordedDeviceTasks();
    let ids = 0;
    const published: BusMessage[] = [];
    const logger = pino({ level: 'silent' });
    const bus = { publish: async (messages: BusMessage[]) => void published.push(...messages) };
    const core = createCampaignCore({
      store: firmware.store,
      inventory,
      tasks,
      signing: { secret: CAMPAIGN_DOWNLOAD_SECRET, baseUrl: () => CAMPAIGN_FILE_SERVER_URL, validForMs: 86_400_000 },
      owner: 'spec-pod',
      logger,
      now: () => clock.now,
      newId: () => `campaign-${++ids}`,
      events: new CampaignEventPublisher({ bus, campaigns: firmware.store.campaigns, logger, now: () => clock.now }),
    });
    return new CampaignFixture(firmware, core, inventory, tasks, clock, published);
  }

  get useCases(): CampaignCore['useCases'] {
    return this.core.useCases;
  }

  async close(): Promise<void> {
    await this.firmware.close();
  }
}
