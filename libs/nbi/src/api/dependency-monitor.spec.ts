import { GrpcHealthService, ServingStatus } from '@acs/platform';
import { DependencyMonitor } from './dependency-monitor';

const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() } as any;

describe('DependencyMonitor', () => {
  it('marks a service SERVING only while every dependency it needs answers', async () => {
    const health = new GrpcHealthService();
    let provisioningUp = false;
    const monitor = new DependencyMonitor(
      health,
      [
        { name: 'provisioning', check: async () => { if (!provisioningUp) throw new Error('refused'); } },
        { name: 'bus', check: async () => undefined },
      ],
      { '': ['provisioning', 'bus'], 'acs.v1.DeviceService': ['provisioning'], 'acs.v1.EventService': ['bus'] },
      logger,
      { intervalMs: 60_000, checkTimeoutMs: 100 },
    );
    await monitor.checkOnce();
    expect(health.statusOf('')).toBe(ServingStatus.NOT_SERVING);
    expect(health.statusOf('acs.v1.DeviceService')).toBe(ServingStatus.NOT_SERVING);
    expect(health.statusOf('acs.v1.EventService')).toBe(ServingStatus.SERVING);
    expect([...monitor.failing.keys()]).toEqual(['provisioning']);

    provisioningUp = true;
    await monitor.checkOnce();
    expect(health.statusOf('')).toBe(ServingStatus.SERVING);
    expect(health.statusOf('acs.v1.DeviceService')).toBe(ServingStatus.SERVING);
    expect(monitor.failing.size).toBe(0);
  });

  it('counts a dependency that does not answer in time as down', async () => {
    const health = new GrpcHealthService();
    const monitor = new DependencyMonitor(
      health,
      [{ name: 'audit-log', check: () => new Promise<void>(() => undefined) }],
      { '': ['audit-log'] },
      logger,
      { intervalMs: 60_000, checkTimeoutMs: 20 },
    );
    await monitor.checkOnce();
    expect(health.statusOf('')).toBe(ServingStatus.NOT_SERVING);
    expect(monitor.failing.get('audit-log')).toMatch(/no answer within 20 ms/);
  });
});
