import { Controller, Get, Header, HttpCode, Inject, Res } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { HealthRegistry } from '../observability/health';
import { HEALTH_REGISTRY, METRICS_REGISTRY } from './tokens';

interface StatusResponse {
  status(code: number): { json(body: unknown): void };
}

/** Prometheus scrape endpoint and Kubernetes probes, on the management port (never the CWMP port). */
@Controller()
export class ObservabilityController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(HEALTH_REGISTRY) private readonly health: HealthRegistry,
  ) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Liveness: the event loop answers. Dependencies are readiness's business, not liveness's. */
  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() res: StatusResponse): Promise<void> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
