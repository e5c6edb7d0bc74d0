import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { inProcessAdapters, PlatformModule } from '@acs/platform';
import pino from 'pino';

import { loadGroupingConfig } from './grouping.config';
import { GroupingModule } from './grouping.module';
import { openSqliteGroupingStore, type SqliteGroupingStore } from './repositories/sqlite-store';
import { REEVALUATION_LEASE } from './service/periodic-reevaluation';

@Module({})
class GroupingSpecModule {
  static forRoot(store: SqliteGroupingStore, reevaluateMs: number): DynamicModule {
    // Port 0: the pod's gRPC API on a free port, never the default another process on the box may hold.
    const config = { ...loadGroupingConfig({}), grpc: { host: '127.0.0.1', port: 0 }, reevaluateMs, podName: 'spec-pod' };
    return {
      module: GroupingSpecModule,
      imports: [
        PlatformModule.forRoot({ service: 'acs-grouping', adapters: inProcessAdapters(), logger: pino({ level: 'silent' }) }),
        // Provisioning is never called: there are no groups to evaluate.
        GroupingModule.forRoot({ store, config, provisioning: { address: '127.0.0.1:1' }, listen: false }),
      ],
    };
  }
}

describe('GroupingModule', () => {
  let dataDir: string;
  let app: INestApplicationContext | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-grouping-module-'));
  });
  afterEach(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('takes its periodic re-evaluation turns once started, and gives the lease up when it stops', async () => {
    const store = openSqliteGroupingStore({ dataDir });
    app = await NestFactory.createApplicationContext(GroupingSpecModule.forRoot(store, 20), { logger: false });
    await app.init();
    // Until this pod takes a turn, a probe gets the lease for a millisecond at a time; once it has, the probe is refused.
    const probe = () => store.leases.acquire(REEVALUATION_LEASE, 'probe', Date.now(), Date.now() + 1);
    while (await probe()) await new Promise((resolve) => setTimeout(resolve, 10));
    await app.close();
    app = undefined;

    const reopened = openSqliteGroupingStore({ dataDir });
    expect(await reopened.leases.acquire(REEVALUATION_LEASE, 'other-pod', Date.now(), Date.now() + 60_000)).toBe(true);
    await reopened.close();
  });
});
