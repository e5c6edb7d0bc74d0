import { MongoTestDatabase, type MongoConnection } from '@acs/infra-mongo';
import { InProcessDeviceQueue, InProcessEventBus, InProcessSessionStore } from '@acs/platform';
import pino from 'pino';

import type { TaskSpec } from '../domain/task';
import { FIXTURE_TASK_CONFIG } from '../testing/provisioning-fixture';
import { createProvisioningCore, type ProvisioningCore } from '../usecases/provisioning-usecases';
import { openMongoProvisioningStore } from './mongo-store';
import type { ProvisioningStore } from './ports';

// Runs against a real MongoDB-protocol server (see MongoTestDatabase); a missing server fails the run, never skips it.
const database = new MongoTestDatabase('acs_test_dispatch');

/**
 * A task's RPCs reach its device once, whoever else looks at the task meanwhile. Provisioning's periodic tick
 * dispatches the tasks that are due while the API, presets and campaigns create and dispatch theirs: on FerretDB,
 * whose conditional writes are not isolated (ADR 6), a new task the tick found pending was dispatched by both, and its
 * Download reached the CPE twice (the distributed campaign e2e saw 3–4 CPEs of 60; ADR 24). Here on MongoDB or FerretDB,
 * whichever ACS_MONGO_URL points at, with the tick running flat out beside the creators.
 */
describe('task dispatch on MongoDB while the tick runs', () => {
  let connection: MongoConnection;
  let store: ProvisioningStore;
  let core: ProvisioningCore;
  let queue: InProcessDeviceQueue;
  let bus: InProcessEventBus;

  beforeAll(async () => {
    connection = await database.connect();
    store = await openMongoProvisioningStore(connection);
    queue = new InProcessDeviceQueue();
    bus = new InProcessEventBus({ retryBaseMs: 10 });
    core = createProvisioningCore({
      store,
      queue,
      bus,
      sessions: new InProcessSessionStore(),
      presets: { current: async () => [] },
      logger: pino({ level: 'silent' }),
      config: { tasks: FIXTURE_TASK_CONFIG, planMarkTtlMs: 60_000, manageConnectionRequestCredentials: false },
      watchPollMs: 10,
    });
  });

  afterAll(async () => {
    await bus?.close();
    await store?.close();
    await database.drop();
  });

  async function device(serial: string): Promise<string> {
    const { device } = await core.inventory.applyInform({
      id: `001122-SimGateway-${serial}`,
      oui: '001122',
      productClass: 'SimGateway',
      serialNumber: serial,
      manufacturer: 'Acme',
      rootObject: 'Device',
      at: Date.now(),
      eventCodes: ['1 BOOT'],
      parameters: [{ path: 'Device.DeviceInfo.SoftwareVersion', value: '1.0.0', type: 'string', writable: false }],
    });
    return device.id;
  }

  /** Each kind whose RPC must not reach a device twice: a second Download may flash twice, a second Reboot reboots. */
  const specs: TaskSpec[] = [
    { kind: 'download', fileType: '1 Firmware Upgrade Image', url: 'http://files.example/gw-2.0.0.img' },
    { kind: 'reboot' },
    { kind: 'setParameterValues', values: [{ path: 'Device.ManagementServer.PeriodicInformInterval', value: 300 }] },
  ];

  it('queues each new task’s RPC once, the tick running beside its creator', async () => {
    const devices: string[] = [];
    for (let i = 0; i < 120; i++) devices.push(await device(`RACE${i}`));
    let creating = true;
    const ticks = (async () => {
      while (creating) await core.lifecycle.tick();
    })();
    try {
      // Several creators at once, as a campaign's wave creates its devices' tasks.
      await Promise.all(
        [0, 1, 2, 3, 4, 5].map(async (lane) => {
          for (let i = lane; i < devices.length; i += 6) await core.lifecycle.create({ deviceId: devices[i], spec: specs[i % specs.length], source: 'firmware:race' });
        }),
      );
    } finally {
      creating = false;
      await ticks;
    }
    const queued = await Promise.all(devices.map(async (id) => ({ id, rpcs: (await queue.list(id)).map((item) => item.rpc.kind) })));
    expect(queued.filter((device) => device.rpcs.length !== 1)).toEqual([]);
    const { items } = await store.tasks.list({ source: 'firmware:race' }, { skip: 0, limit: 1000 });
    expect(items.map((task) => [task.status, task.attempts, task.workItemIds.length])).toEqual(devices.map(() => ['dispatched', 1, 1]));
  }, 120_000);
});
