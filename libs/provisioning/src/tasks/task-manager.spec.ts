import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { InProcessDeviceQueue, InProcessEventBus } from '@acs/platform';
import pino from 'pino';

import type { Task } from '../domain/task';
import { openEmbeddedProvisioningStore } from '../repositories/embedded-store';
import type { ProvisioningStore } from '../repositories/ports';
import { DeviceWaker } from './device-waker';
import { TaskEventPublisher } from './task-event-publisher';
import { TaskLifecycle } from './task-lifecycle';

describe('TaskLifecycle dispatch', () => {
  let dataDir: string;
  let store: ProvisioningStore;
  let queue: InProcessDeviceQueue;
  let bus: InProcessEventBus;
  let manager: TaskLifecycle;
  const now = 1_700_000_000_000;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-task-manager-'));
    store = await openEmbeddedProvisioningStore({ dataDir });
    queue = new InProcessDeviceQueue();
    bus = new InProcessEventBus();
    manager = new TaskLifecycle({
      tasks: store.tasks,
      devices: store.devices,
      faults: store.faults,
      queue,
      waker: new DeviceWaker(bus, () => now),
      events: new TaskEventPublisher(bus, () => now),
      logger: pino({ level: 'silent' }),
      config: { maxAttempts: 3, retryBaseMs: 10, retryMaxMs: 100, defaultExpiryMs: 60_000 },
      now: () => now,
    });
  });

  afterEach(async () => {
    await bus.close();
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('queues an attempt’s work once when the tick and the task’s creator both dispatch it', async () => {
    const pending: Task = {
      id: 'task-1',
      deviceId: '00D09E-HG8245-SN1',
      spec: { kind: 'reboot' },
      status: 'pending',
      source: 'api',
      channel: 'default',
      attempts: 0,
      maxAttempts: 3,
      createdAt: now,
      updatedAt: now,
      workItemIds: [],
      revision: 1,
    };
    await store.tasks.create(pending);
    // Both hold the pending task as they read it: the creator from create(), the tick from due().
    const first = await manager.dispatch(pending);
    const second = await manager.dispatch(pending);
    expect(second).toMatchObject({ status: 'dispatched', attempts: 1, workItemIds: first.workItemIds });
    expect((await queue.list(pending.deviceId)).map((item) => item.id)).toEqual(first.workItemIds);
    expect(await manager.get(pending.id)).toMatchObject({ attempts: 1, workItemIds: first.workItemIds });
  });
});
