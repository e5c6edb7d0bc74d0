import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CpeFleet, DataModel } from '@acs/cpe-sim';
import { CwmpEventType, isEvent, Topics } from '@acs/contracts';
import { CwmpHttpServer, GatewayModule, loadGatewayConfig } from '@acs/gateway';
import { inProcessAdapters, METRICS_REGISTRY, PlatformModule, type BusMessage, type PlatformAdapters } from '@acs/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import type { Registry } from 'prom-client';

@Module({})
class GatewayInstanceModule {
  static forRoot(adapters: PlatformAdapters, pod: string): DynamicModule {
    const config = loadGatewayConfig({ ACS_POD_NAME: pod, ACS_CWMP_HOST: '127.0.0.1', ACS_CWMP_PORT: '0', ACS_LOG_LEVEL: 'warn' });
    return { module: GatewayInstanceModule, imports: [PlatformModule.forRoot({ service: pod, adapters }), GatewayModule.forRoot({ config })] };
  }
}

/**
 * Two gateway instances, one session store (and queue and bus): the simulated CPEs alternate every HTTP request
 * between them, as a load balancer without affinity would, and every session must still complete correctly.
 */
describe('two gateway instances sharing one session store', () => {
  const adapters = inProcessAdapters();
  const apps: INestApplicationContext[] = [];
  const events: BusMessage[] = [];
  let urls: string[];

  beforeAll(async () => {
    process.env.ACS_LOG_LEVEL = 'warn';
    for (const pod of ['gw-a', 'gw-b']) {
      const app = await NestFactory.createApplicationContext(GatewayInstanceModule.forRoot(adapters, pod), { logger: ['error'] });
      await app.init();
      apps.push(app);
    }
    urls = apps.map((app) => `http://127.0.0.1:${app.get(CwmpHttpServer).addresses.http!.port}/`);
    await adapters.eventBus.subscribe(Topics.cwmpEvents, { group: 'test' }, async (m) => void events.push(m));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('completes every session with requests alternating between the instances', async () => {
    const fleet = new CpeFleet({ count: 60, acsUrl: urls, model: DataModel.builtin('tr098'), serialPrefix: 'TWO' });
    for (const cpe of fleet.cpes) {
      await adapters.deviceQueue.enqueue({
        id: `${cpe.deviceId}-gpv`,
        deviceId: cpe.deviceId,
        rpc: { kind: 'GetParameterValues', parameterNames: ['InternetGatewayDevice.DeviceInfo.'] },
        enqueuedAt: Date.now(),
      });
      await adapters.deviceQueue.enqueue({
        id: `${cpe.deviceId}-gpn`,
        deviceId: cpe.deviceId,
        rpc: { kind: 'GetParameterNames', parameterPath: 'InternetGatewayDevice.', nextLevel: true },
        enqueuedAt: Date.now(),
      });
    }
    const reports = await fleet.runSessions(['2 PERIODIC'], 20);
    expect(reports.filter((r) => r.error)).toEqual([]);
    for (const report of reports) {
      expect(report.rpcs.map((r) => r.method)).toEqual(['GetParameterValues', 'GetParameterNames']);
      // Inform, empty POST, two answers: four requests, answered 200, 200, 200, 204.
      expect(report.httpStatuses).toEqual([200, 200, 200, 204]);
    }
    // The bus delivers to this subscriber on its own time: wait for the events, then count them.
    const count = (type: string) => events.filter((e) => e.type === type).length;
    for (let turn = 0; turn < 1000 && (count(CwmpEventType.rpcResult) < 120 || count(CwmpEventType.sessionClosed) < 60); turn++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const results = events.filter((e) => e.type === CwmpEventType.rpcResult);
    expect(results).toHaveLength(120);
    const closed = events.filter((e) => isEvent(e, CwmpEventType.sessionClosed));
    expect(closed).toHaveLength(60);
    expect(closed.every((e) => e.data.reason === 'completed')).toBe(true);
    for (const cpe of fleet.cpes) expect(await adapters.deviceQueue.size(cpe.deviceId)).toBe(0);
    // Both instances really served: each sent RPCs (the CPE's empty POSTs and answers alternate between them).
    for (const app of apps) {
      const rpcs = await app.get<Registry>(METRICS_REGISTRY).getSingleMetric('acs_cwmp_rpcs_total')!.get();
      expect(rpcs.values.reduce((sum, v) => sum + v.value, 0)).toBeGreaterThan(0);
    }
  }, 60_000);
});
