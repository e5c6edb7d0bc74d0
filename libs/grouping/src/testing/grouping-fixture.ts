import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AcsDeviceEventType, type AcsDeviceEventData, type AcsGroupEventData } from '@acs/contracts';
import type { BusMessage } from '@acs/platform';
import pino from 'pino';

import { openSqliteGroupingStore, type SqliteGroupingStore } from '../repositories/sqlite-store';
import { GroupEventPublisher } from '../service/group-event.publisher';
import { createGroupingCore, type GroupingCore, type GroupingUseCases } from '../usecases/grouping-usecases';
import { InMemoryInventory, type InventoryDevice } from './in-memory-inventory';

/** The grouping use cases on the embedded store in a throw-away directory, an in-memory inventory and a recording bus. */
export class GroupingFixture {
  /** Every event published, in order. */
  readonly published: BusMessage[] = [];
  readonly core: GroupingCore;
  private ids = 0;

  private constructor(
    readonly store: SqliteGroupingStore,
    readonly inventory: InMemoryInventory,
    readonly clock: { now: number },
    private readonly dataDir: string,
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
  }

  static async open(devices: readonly InventoryDevice[] = []): Promise<GroupingFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-grouping-'));
    return new GroupingFixture(openSqliteGroupingStore({ dataDir }), new InMemoryInventory(devices), { now: Date.UTC(2027, 0, 4, 12) }, dataDir);
  }

  get useCases(): GroupingUseCases {
    return this.core.useCases;
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
