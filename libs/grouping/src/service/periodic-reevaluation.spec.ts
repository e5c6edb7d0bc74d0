import pino from 'pino';

import { GroupingFixture } from '../testing/grouping-fixture';
import { PeriodicReevaluation, REEVALUATION_LEASE } from './periodic-reevaluation';

const MINUTE = 60_000;
const dev = (i: number) => `00259E-HG8245H-SN${i}`;

describe('periodic re-evaluation across pods', () => {
  let fixture: GroupingFixture;
  /** Which pod ran each re-evaluation, in order. */
  let runs: string[];

  beforeEach(async () => {
    fixture = await GroupingFixture.open(Array.from({ length: 4 }, (_, i) => ({ id: dev(i), fields: { oui: '00259E', lastInform: Date.UTC(2027, 0, 1) } })));
    runs = [];
  });
  afterEach(async () => {
    await fixture.close();
  });

  /** A grouping pod on the shared store: the fixture's use cases, its own name, the shared clock. */
  function pod(owner: string, intervalMs = 10 * MINUTE): PeriodicReevaluation {
    const reevaluate = fixture.useCases.reevaluateUneventedGroups;
    return new PeriodicReevaluation({
      leases: fixture.store.leases,
      reevaluate: { execute: () => (runs.push(owner), reevaluate.execute()) },
      owner,
      intervalMs,
      now: () => fixture.clock.now,
      logger: pino({ level: 'silent' }),
    });
  }

  it('runs on the pod holding the lease only, and on another once the holder stopped renewing', async () => {
    const { group } = await fixture.useCases.createGroup.execute({ name: 'seen lately', kind: 'dynamic', filter: 'lastInform > "2027-01-02T00:00:00Z"', createdBy: 'spec' });
    const [a, b] = [pod('pod-a'), pod('pod-b')];
    expect(await a.turn()).toEqual({ groups: 1, joined: 0, left: 0, failed: 0 });
    expect(await b.turn()).toBeNull();

    fixture.inventory.setField(dev(1), 'lastInform', Date.UTC(2027, 0, 3));
    fixture.clock.now += 10 * MINUTE;
    expect(await b.turn()).toBeNull();
    expect(await a.turn()).toMatchObject({ joined: 1 });
    expect(await fixture.members(group.id)).toEqual([dev(1)]);

    // pod-a is gone: its lease (two periods) runs out, then pod-b's next turn takes the work.
    fixture.clock.now += 10 * MINUTE;
    expect(await b.turn()).toBeNull();
    fixture.clock.now += 10 * MINUTE;
    expect(await b.turn()).not.toBeNull();
    expect(await a.turn()).toBeNull();
    expect(runs).toEqual(['pod-a', 'pod-a', 'pod-b']);
  });

  it('hands the work over at once when the holder stops', async () => {
    const [a, b] = [pod('pod-a'), pod('pod-b')];
    expect(await a.turn()).not.toBeNull();
    await a.stop();
    expect(await b.turn()).not.toBeNull();
    expect(runs).toEqual(['pod-a', 'pod-b']);
    await b.stop();
  });

  it('is off at 0: no turn is scheduled', async () => {
    const off = pod('pod-a', 0);
    off.start();
    await off.stop();
    expect(runs).toEqual([]);
    expect(await fixture.store.leases.acquire(REEVALUATION_LEASE, 'pod-b', fixture.clock.now, fixture.clock.now + 1)).toBe(true);
  });
});
