import { Metadata } from '@grpc/grpc-js';
import { ServingStatus, type GrpcHealthService, type HealthClient, type Logger } from '@acs/platform';

export interface Dependency {
  name: string;
  check(): Promise<void>;
}

/** Which dependencies each served service needs to answer; `''` (the whole server) needs all of them. */
export type ServiceDependencies = Record<string, readonly string[]>;

/**
 * Keeps the gRPC health statuses true to the NBI's dependencies: a service is SERVING only while everything it
 * needs answers (the provisioning API, the audit store, the event bus), so balancers and probes route around a pod
 * that could only fail calls. Checked at start and then every `intervalMs`.
 */
export class DependencyMonitor {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly down = new Map<string, string>();

  constructor(
    private readonly health: GrpcHealthService,
    private readonly dependencies: readonly Dependency[],
    private readonly services: ServiceDependencies,
    private readonly logger: Logger,
    private readonly options: { intervalMs: number; checkTimeoutMs: number } = { intervalMs: 2000, checkTimeoutMs: 1500 },
  ) {}

  async start(): Promise<void> {
    await this.checkOnce();
    this.timer = setInterval(() => {
      this.running ??= this.checkOnce().finally(() => (this.running = undefined));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Names of the dependencies found down at the last check, with why. */
  get failing(): ReadonlyMap<string, string> {
    return this.down;
  }

  async checkOnce(): Promise<void> {
    const results = await Promise.all(
      this.dependencies.map(async (dependency) => {
        try {
          await withTimeout(dependency.check(), this.options.checkTimeoutMs, dependency.name);
          return [dependency.name, undefined] as const;
        } catch (error) {
          return [dependency.name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    for (const [name, problem] of results) {
      const was = this.down.get(name);
      if (problem === undefined) {
        if (was !== undefined) this.logger.info({ dependency: name }, 'dependency is back');
        this.down.delete(name);
      } else {
        if (was === undefined) this.logger.warn({ dependency: name, problem }, 'dependency is down');
        this.down.set(name, problem);
      }
    }
    for (const [service, needs] of Object.entries(this.services)) {
      const up = needs.every((name) => !this.down.has(name));
      this.health.setStatus(service, up ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }
  }
}

/** A dependency that is up when a gRPC server reports `service` SERVING on grpc.health.v1. */
export function grpcHealthDependency(name: string, clientOf: () => HealthClient, service: string, timeoutMs = 1500): Dependency {
  return {
    name,
    check: () =>
      new Promise<void>((resolve, reject) => {
        clientOf().check({ service }, new Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
          if (error) reject(new Error(`${name}: ${error.details || error.message}`));
          else if (response.status !== ServingStatus.SERVING) reject(new Error(`${name}: ${ServingStatus[response.status]}`));
          else resolve();
        });
      }),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
