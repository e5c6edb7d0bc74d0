import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BusMessage, DeferredBatch } from '@acs/platform';
import { describeDeviceQueueContract, describeEventOutboxContract, sampleWorkItem, uniqueToken } from '@acs/testing';

import { GATEWAY_DATABASE_FILE, openSqliteGatewayStore, type SqliteGatewayStore } from './sqlite-gateway-store';

// The embedded gateway's durable queue and outbox pass the same port contracts as the in-process and Redis adapters,
// each test on a database file of its own.

function freshStore(): { store: SqliteGatewayStore; cleanup: () => Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'acs-sqlite-gateway-'));
  const store = openSqliteGatewayStore(dataDir);
  return {
    store,
    cleanup: async () => {
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeDeviceQueueContract('sqlite', async () => {
  const { store, cleanup } = freshStore();
  return { adapter: store.deviceQueue, cleanup };
});

describeEventOutboxContract('sqlite', async () => {
  const { store, cleanup } = freshStore();
  return { adapter: { queue: store.deviceQueue, outbox: store.outbox }, cleanup };
});

describe('SQLite gateway store beyond the contract', () => {
  let dataDir: string;
  let store: SqliteGatewayStore | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'acs-sqlite-gateway-'));
  });
  afterEach(() => {
    store?.close();
    store = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  function reopen(): SqliteGatewayStore {
    store?.close();
    store = openSqliteGatewayStore(dataDir);
    return store;
  }

  function deferred(deviceId: string, parkedItemId?: string): DeferredBatch {
    const message: BusMessage = { id: uniqueToken(), topic: 'cwmp.events', key: deviceId, type: 'cwmp.rpc.result', time: new Date().toISOString(), data: { n: 1 } };
    return { id: `batch-${uniqueToken()}`, deviceId, messages: [message], parkedItemId, deferredAt: Date.now() };
  }

  it('keeps queued items, parked marks and deferred batches across a close and an open', async () => {
    const device = `reopen-${uniqueToken()}`;
    const other = `reopen-${uniqueToken()}`;
    const items = [sampleWorkItem(device, { taskId: 'task-1', holdRequests: true }), sampleWorkItem(device), sampleWorkItem(device)];
    const before = reopen();
    for (const item of items) await before.deviceQueue.enqueue(item);
    await before.deviceQueue.enqueue(sampleWorkItem(other));
    const result = deferred(device, items[0].id);
    const closed = deferred(device);
    await before.outbox.defer(result);
    await before.outbox.defer(closed);

    const after = reopen();
    expect(await after.deviceQueue.list(device)).toEqual(items);
    expect(await after.deviceQueue.parked(device)).toBe(1);
    expect(await after.deviceQueue.lease(device)).toEqual(items[1]);
    expect(await after.deviceQueue.size(other)).toBe(1);
    expect(await after.outbox.pendingDevices(10)).toEqual([device]);
    expect(await after.outbox.peek(device, 10)).toEqual([result, closed]);

    // The joint step still works on what was read back: releasing the result acknowledges its parked item.
    await after.outbox.release(device, [result.id]);
    expect((await after.deviceQueue.list(device)).map((i) => i.id)).toEqual([items[1].id, items[2].id]);
    expect(await after.deviceQueue.parked(device)).toBe(0);
  });

  it('keeps its data in gateway.sqlite in the data directory, and keeps FIFO order after the newest row was removed', async () => {
    const device = `order-${uniqueToken()}`;
    const first = reopen();
    expect(first.database.name).toBe(join(dataDir, GATEWAY_DATABASE_FILE));
    const a = sampleWorkItem(device);
    const b = sampleWorkItem(device);
    await first.deviceQueue.enqueue(a);
    await first.deviceQueue.enqueue(b);
    // The highest rowid goes: SQLite may hand it out again, and the new item must still come after `a`.
    expect(await first.deviceQueue.remove(device, b.id)).toBe(true);
    const c = sampleWorkItem(device);
    await reopen().deviceQueue.enqueue(c);
    expect((await store!.deviceQueue.list(device)).map((i) => i.id)).toEqual([a.id, c.id]);
  });
});
