import { ConflictError } from '@acs/platform';

import type { Job } from '../domain/job';
import type { JobRepository } from '../repositories/ports';

export interface JobRepositoryUnderTest {
  jobs: JobRepository;
  cleanup(): Promise<void>;
}

function job(id: string, createdAt: number, nextRunAt?: number): Job {
  return {
    id,
    name: `job ${id}`,
    target: { kind: 'group', groupId: 'g1' },
    action: { kind: 'task', task: { setParameterValues: { values: [{ path: 'Device.X_Led', value: 'off', type: 'xsd:string' }] } } },
    schedule: { kind: 'cron', expression: '0 2 * * *', timeZone: 'Europe/Paris' },
    policy: {
      waves: { canary: 0, step: { percent: 100 }, minSuccessPercent: 0, soakMs: 0 },
      windows: [{ days: ['mon', 'tue'], start: '01:00', end: '05:00' }],
      timeZone: 'Europe/Paris',
      concurrency: 50,
      startsPerMinute: 100,
      mode: 'active',
      retry: { maxAttempts: 2, initialBackoffMs: 60_000, multiplier: 2, maxBackoffMs: 3_600_000 },
      attemptTimeoutMs: 600_000,
    },
    runCount: 0,
    ...(nextRunAt !== undefined ? { nextRunAt } : {}),
    skippedRuns: 0,
    createdAt,
    createdBy: 'api:ops',
    revision: 1,
  };
}

/** The contract of the job repository, run on SQLite (sqlite.contract.spec.ts) and MongoDB (mongo.contract.int-spec.ts). */
export function describeJobRepositoryContract(name: string, open: () => Promise<JobRepositoryUnderTest>): void {
  describe(`job repository on ${name}`, () => {
    let under: JobRepositoryUnderTest;
    beforeEach(async () => {
      under = await open();
    });
    afterEach(async () => {
      await under.cleanup();
    });

    it('keeps a job as given and refuses its id twice', async () => {
      const stored = job('j1', 10, 100);
      await under.jobs.insert(stored);
      expect(await under.jobs.get('j1')).toEqual(stored);
      expect(await under.jobs.get('j2')).toBeNull();
      await expect(under.jobs.insert(job('j1', 11))).rejects.toThrow(ConflictError);
    });

    it('replaces a job only at the revision it was read, dropping fields the new one lacks', async () => {
      await under.jobs.insert(job('j1', 10, 100));
      const { nextRunAt: _next, ...rest } = job('j1', 10);
      const updated = await under.jobs.update({ ...rest, runCount: 1, cancelledAt: 200, cancelledBy: 'api:ops' }, 1);
      expect(updated).toMatchObject({ revision: 2, runCount: 1 });
      expect(await under.jobs.get('j1')).toEqual(updated);
      expect((await under.jobs.get('j1'))?.nextRunAt).toBeUndefined();
      expect(await under.jobs.update({ ...rest, runCount: 5 }, 1)).toBeNull();
      expect(await under.jobs.get('j1')).toMatchObject({ runCount: 1, revision: 2 });
    });

    it('finds the jobs due by a time, the earliest first, and lists them newest first', async () => {
      await under.jobs.insert(job('a', 1, 300));
      await under.jobs.insert(job('b', 2, 100));
      await under.jobs.insert(job('c', 3));
      await under.jobs.insert(job('d', 3, 500));
      expect((await under.jobs.due(300, 10)).map((found) => found.id)).toEqual(['b', 'a']);
      expect((await under.jobs.due(1000, 1)).map((found) => found.id)).toEqual(['b']);
      const page = await under.jobs.list({ skip: 1, limit: 2 });
      expect(page).toMatchObject({ total: 4 });
      expect(page.items.map((found) => found.id)).toEqual(['c', 'b']);
    });

    it('finds the campaign jobs whose run is still going, and keeps a campaign action and run as written', async () => {
      const imageRules = [{ oui: 'A1B2C3', productClass: 'HG8245', hardwareVersion: '', fromVersions: ['1.0'], fileId: 'file-1' }];
      const campaignJob = (id: string, status: NonNullable<Job['campaignRun']>['status']): Job => ({
        ...job(id, 1),
        action: { kind: 'campaign', imageRules },
        runCount: 1,
        campaignRun: { run: 1, status, since: 5, ...(status === 'failed' ? { error: 'no file file-1' } : {}) },
      });
      for (const [id, status] of [['s', 'starting'], ['r', 'running'], ['p', 'paused'], ['c', 'completed'], ['f', 'failed'], ['x', 'cancelled']] as const) {
        await under.jobs.insert(campaignJob(id, status));
      }
      await under.jobs.insert(job('t', 1));
      expect((await under.jobs.campaignRunsGoing(10)).map((found) => found.id).sort()).toEqual(['p', 'r', 's']);
      expect(await under.jobs.campaignRunsGoing(1)).toHaveLength(1);
      expect(await under.jobs.get('f')).toEqual(campaignJob('f', 'failed'));
    });
  });
}
