import type { SessionRecord } from '../ports';
import { newSessionId } from '../ports';
import { InProcessSessionStore } from './in-process-session-store';

const TTL = 150_000;

function session(deviceId: string, n: number, startedAt: number): SessionRecord {
  return {
    id: newSessionId(deviceId, `s${n}`),
    deviceId,
    cwmpVersion: '1.2',
    turn: 'cpe',
    rpcCount: 0,
    requestCount: 1,
    startedAt,
    deadline: startedAt + 120_000,
    events: ['2 PERIODIC'],
    holdRequests: false,
    planWaitOver: false,
    openedBy: 'pod-a',
    revision: 0,
  };
}

const EMPTY = { sessions: 0, locks: 0, addresses: 0, plans: 0, inFlight: 0 };

describe('InProcessSessionStore memory', () => {
  let clock = 0;
  let store: InProcessSessionStore;

  beforeEach(() => {
    clock = 1_000_000;
    store = new InProcessSessionStore(() => clock);
  });

  afterEach(() => store.dispose());

  /** A session the way the gateway and provisioning use one: opened, bound, tracked, marked planned. */
  async function run(deviceId: string, n: number, address: string): Promise<SessionRecord> {
    const record = session(deviceId, n, clock);
    await store.open(record, TTL, 0);
    await store.bindAddress(address, record.id, TTL);
    await store.trackOpened('pod-a', record.id, clock + TTL);
    await store.markPlanned(deviceId, record.id, 60_000);
    return record;
  }

  it('holds nothing of a device once its session closed, however many devices came', async () => {
    for (let i = 0; i < 10_000; i++) {
      const record = await run(`cpe-${i}`, i, `192.0.2.${i % 250}:${10_000 + i}`);
      await store.update({ ...record, revision: 1 }, TTL);
      await store.close(record);
      await store.trackClosed('pod-a', record.id);
    }
    expect(store.held()).toEqual(EMPTY);
  });

  it('lets go of what abandoned sessions left once their TTL has passed', async () => {
    for (let i = 0; i < 1_000; i++) await run(`cpe-${i}`, i, `192.0.2.1:${10_000 + i}`);
    store.sweep();
    expect(store.held()).toEqual({ sessions: 1_000, locks: 1_000, addresses: 1_000, plans: 1_000, inFlight: 1_000 });
    clock += TTL;
    store.sweep();
    expect(store.held()).toEqual(EMPTY);
  });

  it("drops a superseded session's binding and mark, and keeps an address a later session took over", async () => {
    const first = await run('cpe-1', 1, '192.0.2.1:7000');
    const second = session('cpe-1', 2, clock);
    await store.open(second, TTL, 0);
    expect(await store.sessionForAddress('192.0.2.1:7000')).toBeNull();
    expect(await store.isPlanned('cpe-1', first.id)).toBe(false);
    // The same address and port reused by the next session: closing the earlier one must not unbind it.
    await store.bindAddress('192.0.2.1:7000', second.id, TTL);
    await store.close(first);
    expect(await store.sessionForAddress('192.0.2.1:7000')).toBe(second.id);
    await store.close(second);
    expect(await store.sessionForAddress('192.0.2.1:7000')).toBeNull();
  });
});
