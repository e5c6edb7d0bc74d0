import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Inform } from '@acs/cwmp';
import type { InformEventData } from '@acs/contracts';
import { InProcessDeviceQueue, InProcessEventBus, InProcessSessionStore, type BusMessage, type Subscription, type WorkItem } from '@acs/platform';
import pino from 'pino';

import type { DeviceRecord, InformFacts } from '../domain/device';
import type { Preset } from '../domain/preset';
import { openSqliteProvisioningStore } from '../repositories/sqlite-store';
import type { ProvisioningStore } from '../repositories/ports';
import type { TaskLifecycleConfig } from '../tasks/task-lifecycle';
import { createProvisioningCore, type ProvisioningCore, type ProvisioningCoreDeps } from '../usecases/provisioning-usecases';

/** The topics a fixture records, from its start. */
const RECORDED_TOPICS = ['acs.task', 'acs.device', 'cwmp.commands'] as const;
export type RecordedTopic = (typeof RECORDED_TOPICS)[number];

export const FIXTURE_TASK_CONFIG: TaskLifecycleConfig = { maxAttempts: 3, retryBaseMs: 10, retryMaxMs: 100, defaultExpiryMs: 60_000 };

export interface ProvisioningFixtureOptions {
  /** The presets in force at the start (as the catalog would hold them); `fixture.presets` changes them later. */
  presets?: Preset[];
  manageConnectionRequestCredentials?: boolean;
  tasks?: Partial<TaskLifecycleConfig>;
  onDeviceDeleted?: ProvisioningCoreDeps['onDeviceDeleted'];
  now?: () => number;
}

/**
 * Provisioning's domain on the in-process adapters and the embedded store in a throw-away directory, as the
 * standalone runs it: what the use case specs drive. Records what is published on `acs.task`, `acs.device` and
 * `cwmp.commands`, and lets a spec wait for a message instead of sleeping.
 */
export class ProvisioningFixture {
  private readonly recorded = new Map<string, BusMessage[]>();
  private readonly waiters: Array<{ topic: string; match: (m: BusMessage) => boolean; resolve: (m: BusMessage) => void }> = [];
  private subscriptions: Subscription[] = [];

  private constructor(
    readonly store: ProvisioningStore,
    readonly queue: InProcessDeviceQueue,
    readonly bus: InProcessEventBus,
    readonly sessions: InProcessSessionStore,
    readonly core: ProvisioningCore,
    /** The presets in force, read at each Inform: a spec may change them. */
    readonly presets: Preset[],
    private readonly dataDir: string,
  ) {}

  static async open(options: ProvisioningFixtureOptions = {}): Promise<ProvisioningFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-provisioning-usecases-'));
    const store = openSqliteProvisioningStore({ dataDir });
    const queue = new InProcessDeviceQueue();
    const bus = new InProcessEventBus({ retryBaseMs: 10 });
    const sessions = new InProcessSessionStore();
    const presets = [...(options.presets ?? [])];
    const core = createProvisioningCore({
      store,
      queue,
      bus,
      sessions,
      presets: { current: async () => presets },
      logger: pino({ level: 'silent' }),
      config: {
        tasks: { ...FIXTURE_TASK_CONFIG, ...options.tasks },
        planMarkTtlMs: 60_000,
        manageConnectionRequestCredentials: options.manageConnectionRequestCredentials ?? false,
      },
      onDeviceDeleted: options.onDeviceDeleted,
      watchPollMs: 10,
      now: options.now,
    });
    const fixture = new ProvisioningFixture(store, queue, bus, sessions, core, presets, dataDir);
    for (const topic of RECORDED_TOPICS) {
      fixture.subscriptions.push(await bus.subscribe(topic, { group: `fixture-${topic}`, fromBeginning: true, ephemeral: true }, async (message) => fixture.record(message)));
    }
    return fixture;
  }

  get useCases(): ProvisioningCore['useCases'] {
    return this.core.useCases;
  }

  get lifecycle(): ProvisioningCore['lifecycle'] {
    return this.core.lifecycle;
  }

  /** What was published on `topic` so far (delivery is asynchronous: wait with nextMessage for one to come). */
  messages(topic: RecordedTopic): BusMessage[] {
    return [...(this.recorded.get(topic) ?? [])];
  }

  /** The first message on `topic` matching `match`, already published or still to come. */
  nextMessage(topic: RecordedTopic, match: (message: BusMessage) => boolean = () => true): Promise<BusMessage> {
    const seen = this.recorded.get(topic)?.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ topic, match, resolve }));
  }

  /** A device in the inventory, as its first Inform leaves it. */
  async registerDevice(overrides: Partial<InformFacts> = {}): Promise<DeviceRecord> {
    const serialNumber = overrides.serialNumber ?? `SN${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
    const { device } = await this.core.inventory.applyInform({
      id: `00D09E-HG8245-${serialNumber}`,
      oui: '00D09E',
      productClass: 'HG8245',
      serialNumber,
      manufacturer: 'Acme',
      rootObject: 'Device',
      at: Date.now(),
      eventCodes: ['1 BOOT'],
      parameters: [
        { path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string', writable: false },
        { path: 'Device.ManagementServer.PeriodicInformInterval', value: 600, type: 'unsignedInt', writable: true },
        { path: 'Device.ManagementServer.ConnectionRequestURL', value: 'http://198.51.100.7:7547/cr', type: 'string', writable: false },
        { path: 'Device.WiFi.SSID.1.SSID', value: 'home', type: 'string', writable: true },
      ],
      ...overrides,
    });
    return (await this.store.devices.get(device.id))!;
  }

  /** The device's queued work items, in order. */
  queued(deviceId: string): Promise<WorkItem[]> {
    return this.queue.list(deviceId);
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) await subscription.close();
    await this.bus.close();
    await this.store.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }

  private record(message: BusMessage): void {
    const list = this.recorded.get(message.topic) ?? [];
    list.push(message);
    this.recorded.set(message.topic, list);
    for (const waiter of [...this.waiters]) {
      if (waiter.topic === message.topic && waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }
}

/** A fresh fixture per test; the getter gives the current one. */
export function useProvisioningFixture(options: ProvisioningFixtureOptions | (() => ProvisioningFixtureOptions) = {}): () => ProvisioningFixture {
  let fixture: ProvisioningFixture | undefined;
  beforeEach(async () => {
    fixture = await ProvisioningFixture.open(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  return () => {
    if (!fixture) throw new Error('no provisioning fixture: opening it failed');
    return fixture;
  };
}

/** An Inform event as the gateway publishes it on `cwmp.events`. */
export function informEvent(device: Pick<DeviceRecord, 'id' | 'oui' | 'productClass' | 'serialNumber'>, codes: string[], overrides: Partial<Inform> = {}): InformEventData {
  return {
    sessionId: `session-${Math.random().toString(36).slice(2, 10)}`,
    deviceId: device.id,
    cwmpVersion: '1.2',
    remoteAddress: '203.0.113.9:51234',
    inform: {
      kind: 'Inform',
      deviceId: { manufacturer: 'Acme', oui: device.oui, productClass: device.productClass, serialNumber: device.serialNumber },
      events: codes.map((eventCode) => ({ eventCode, commandKey: '' })),
      maxEnvelopes: 1,
      currentTime: '2026-12-07T00:00:00Z',
      retryCount: 0,
      parameterList: [
        { name: 'Device.DeviceInfo.SoftwareVersion', value: { type: 'string', value: '1.0.0' } },
        { name: 'Device.ManagementServer.ConnectionRequestURL', value: { type: 'string', value: 'http://198.51.100.7:7547/cr' } },
      ],
      ...overrides,
    },
  };
}
