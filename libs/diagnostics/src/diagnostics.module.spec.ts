import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DIAGNOSTICS_API, diagnosticsClient } from '@acs/clients';
import { AcsDiagnosticsEventType, isEvent, Topics, type AcsDiagnosticsTestEventData } from '@acs/contracts';
import { GRPC_HOSTS, inProcessAdapters, PlatformModule, type GrpcHostRegistry, type PlatformAdapters } from '@acs/platform';
import pino from 'pino';

import { loadDiagnosticsConfig } from './diagnostics.config';
import { DiagnosticsModule } from './diagnostics.module';
import { openSqliteDiagnosticsStore, type SqliteDiagnosticsStore } from './repositories/sqlite-store';

@Module({})
class DiagnosticsSpecModule {
  static forRoot(store: SqliteDiagnosticsStore, sweepMs: number, adapters: PlatformAdapters): DynamicModule {
    // Port 0: the pod's gRPC API on a free port, never the default another process on the box may hold.
    const config = { ...loadDiagnosticsConfig({}), grpc: { host: '127.0.0.1', port: 0 }, runs: { timeoutMs: 600_000, sweepMs } };
    return {
      module: DiagnosticsSpecModule,
      imports: [
        PlatformModule.forRoot({ service: 'acs-diagnostics', adapters, logger: pino({ level: 'silent' }) }),
        // Provisioning is never called: the spec starts no run.
        DiagnosticsModule.forRoot({ store, config, provisioning: { address: '127.0.0.1:1' }, listen: false }),
      ],
    };
  }
}

describe('DiagnosticsModule', () => {
  let dataDir: string;
  let app: INestApplicationContext | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'acs-diagnostics-module-'));
  });
  afterEach(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves its API in process under its dependency name and times out overdue runs once started', async () => {
    const store = openSqliteDiagnosticsStore({ dataDir });
    // A run left running by a previous process, past its deadline.
    await store.runs.insert({
      id: 'r-1',
      deviceId: 'dev-1',
      kind: 'ipPing',
      root: 'Device',
      objectPath: 'Device.IP.Diagnostics.IPPing.',
      inputs: { Host: '192.0.2.1' },
      valuesSet: [],
      status: 'running',
      createdAt: 0,
      deadline: 1,
    });
    await store.runSlots.claim('dev-1', 'Device.IP.Diagnostics.IPPing.', { runId: 'r-1', deadline: 1 });
    const adapters = inProcessAdapters();
    // test-failed is published once the run is stored ended and its slot freed: wait for it, however long the box takes.
    let heard!: (data: AcsDiagnosticsTestEventData) => void;
    const failed = new Promise<AcsDiagnosticsTestEventData>((resolve) => (heard = resolve));
    await adapters.eventBus.subscribe(Topics.acsDiagnostics, { group: 'spec', fromBeginning: true }, async (message) => {
      if (isEvent(message, AcsDiagnosticsEventType.testFailed)) heard(message.data);
    });
    app = await NestFactory.createApplicationContext(DiagnosticsSpecModule.forRoot(store, 10, adapters), { logger: false });
    await app.init();
    expect(await failed).toMatchObject({ runId: 'r-1', state: 'Timeout' });
    const client = diagnosticsClient({ host: () => app!.get<GrpcHostRegistry>(GRPC_HOSTS).get(DIAGNOSTICS_API.dependency) });
    expect((await client.runs.getDiagnostic({ runId: 'r-1' })).run).toMatchObject({ state: 'Timeout', failure: { state: 'Timeout' } });
    expect(await store.runSlots.claim('dev-1', 'Device.IP.Diagnostics.IPPing.', { runId: 'r-2', deadline: 2 })).toBeNull();
    client.close();
    await app.close();
    app = undefined;
  });
});
