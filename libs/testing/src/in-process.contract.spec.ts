import { InProcessAuthLockoutStore, InProcessDeviceQueue, InProcessEventBus, InProcessEventOutbox, InProcessSessionStore } from '@acs/platform';

import { describeAuthLockoutStoreContract } from './auth-lockout-store.contract';
import { describeDeviceQueueContract } from './device-queue.contract';
import { describeEventBusContract } from './event-bus.contract';
import { describeEventOutboxContract } from './event-outbox.contract';
import { describeSessionStoreContract } from './session-store.contract';

// The embedded adapters are the product on one machine, not mocks: they must pass the same suites as Redis/Kafka.

describeSessionStoreContract('in-process', async () => {
  const store = new InProcessSessionStore();
  return { adapter: store, cleanup: async () => store.dispose() };
});

describeDeviceQueueContract('in-process', async () => ({ adapter: new InProcessDeviceQueue(), cleanup: async () => {} }));

describeEventBusContract('in-process', async () => {
  const maxAttempts = 3;
  const retryBaseMs = 20;
  const bus = new InProcessEventBus({ partitions: 8, maxAttempts, retryBaseMs });
  return { adapter: bus, maxAttempts, retryBaseMs, cleanup: () => bus.close() };
});

describeEventOutboxContract('in-process', async () => {
  const queue = new InProcessDeviceQueue();
  return { adapter: { queue, outbox: new InProcessEventOutbox(queue) }, cleanup: async () => {} };
});

describeAuthLockoutStoreContract('in-process', async () => ({ adapter: new InProcessAuthLockoutStore(), cleanup: async () => {} }));
