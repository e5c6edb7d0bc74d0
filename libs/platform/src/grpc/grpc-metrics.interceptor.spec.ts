import { credentials, Metadata } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { HealthClient } from './generated/grpc/health/v1/health';
import { grpcMetricsInterceptor } from './grpc-metrics.interceptor';
import { GrpcServerHost } from './grpc-server.host';

describe('grpcMetricsInterceptor', () => {
  it('counts calls by method and status code and times them', async () => {
    const registry = new Registry();
    const host = new GrpcServerHost({ host: '127.0.0.1', port: 0, interceptors: [grpcMetricsInterceptor(registry)] });
    const port = await host.start();
    const client = new HealthClient(`127.0.0.1:${port}`, credentials.createInsecure());
    const check = (service: string) =>
      new Promise<void>((resolve) => client.check({ service }, new Metadata(), () => resolve()));
    await check('');
    await check('');
    await check('no.such.Service');
    const text = await registry.metrics();
    expect(text).toContain('acs_grpc_server_handled_total{method="/grpc.health.v1.Health/Check",code="OK"} 2');
    expect(text).toContain('acs_grpc_server_handled_total{method="/grpc.health.v1.Health/Check",code="NOT_FOUND"} 1');
    expect(text).toMatch(/acs_grpc_server_handling_seconds_count\{method="\/grpc.health.v1.Health\/Check"\} 3/);
    // A second interceptor on the same registry reuses the metrics instead of failing to register them again.
    expect(() => grpcMetricsInterceptor(registry)).not.toThrow();
    client.close();
    await host.stop();
  });
});
