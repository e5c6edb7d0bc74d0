import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { handleUnaryCall } from '@grpc/grpc-js';
import { acsV1, REQUESTED_BY_METADATA_KEY } from '@acs/contracts';
import { AlarmGrpcController, createMonitoringUseCases, MonitoringSamplesGrpcController, openSqliteMonitoringStore, type MonitoringStore, type MonitoringUseCases } from '@acs/diagnostics';
import { AlarmsFixture, type TargetDevice } from '@acs/diagnostics/alarms/testing';
import { GrpcServerHost } from '@acs/platform';

import { run } from '../acsctl';

export const T0 = Date.UTC(2027, 2, 1, 8);

/** What a run of the CLI printed, and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The diagnostics service's MonitoringService as the module serves it: the real MonitoringSamplesGrpcController on
 * monitoring's use cases (profiles, catalog, samples; their own embedded store) beside the AlarmGrpcController on the
 * alarms' use cases (embedded store, in-memory targets), ingested points evaluated by the threshold rules, one clock
 * the spec moves; on a grpc-js server on loopback.
 *
 * It stands in for the NBI in one respect: the NBI authenticates the token and relays the call with the client's name
 * in REQUESTED_BY_METADATA_KEY; here the token `acs_<name>` is client `<name>`, so a spec acts as several operators.
 */
export class MonitoringServer {
  private readonly dir = mkdtempSync(join(tmpdir(), 'acsctl-monitoring-'));

  private constructor(
    readonly fixture: AlarmsFixture,
    /** Monitoring's use cases: the spec ingests samples and rolls them up through them. */
    readonly monitoring: MonitoringUseCases,
    private readonly monitoringStore: MonitoringStore,
    private readonly storeDir: string,
    private readonly host: GrpcServerHost,
    readonly address: string,
    /** The methods the CLI called, in order. */
    readonly calls: string[],
  ) {}

  static async start(devices: readonly TargetDevice[]): Promise<MonitoringServer> {
    const fixture = await AlarmsFixture.open(devices, { now: T0 });
    const storeDir = mkdtempSync(join(tmpdir(), 'acsctl-monitoring-store-'));
    const monitoringStore = openSqliteMonitoringStore({ file: join(storeDir, 'diagnostics.sqlite') });
    let profiles = 0;
    const monitoring = createMonitoringUseCases({
      store: monitoringStore,
      listener: { onPoints: (points) => fixture.useCases.evaluateThresholds.execute([...points]).then(() => undefined) },
      now: () => fixture.clock.now,
      newId: () => `profile-${++profiles}`,
    });
    const host = new GrpcServerHost({ host: '127.0.0.1', port: 0 });
    const calls: string[] = [];
    const implementation = { ...new MonitoringSamplesGrpcController(monitoring).implementation, ...new AlarmGrpcController(fixture.useCases).implementation };
    const relayed = Object.fromEntries(
      Object.entries(implementation).map(([method, handler]) => [
        method,
        ((call, callback) => {
          calls.push(method);
          const [authorization] = call.metadata.get('authorization');
          const client = typeof authorization === 'string' ? /^Bearer acs_(.+)$/.exec(authorization)?.[1] : undefined;
          if (client !== undefined) call.metadata.set(REQUESTED_BY_METADATA_KEY, client);
          return (handler as handleUnaryCall<unknown, unknown>)(call, callback);
        }) as handleUnaryCall<unknown, unknown>,
      ]),
    );
    host.addService(acsV1.MonitoringServiceService, relayed as unknown as acsV1.MonitoringServiceServer);
    return new MonitoringServer(fixture, monitoring, monitoringStore, storeDir, host, `127.0.0.1:${await host.start()}`, calls);
  }

  /** The terminal width the CLI is told of (undefined: not a terminal). */
  columns: number | undefined;

  /** Runs acsctl as client `as` (its token `acs_<as>`). */
  async acsctl(argv: string[], as = 'alice'): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      env: { ACSCTL_SERVER: this.address, ACSCTL_TOKEN: `acs_${as}` },
      cwd: this.dir,
      now: () => this.fixture.clock.now,
      ...(this.columns !== undefined ? { columns: this.columns } : {}),
    });
    return { code, stdout, stderr };
  }

  /** Runs acsctl with `-o json`, expects success, and parses the document. */
  async json<T>(argv: string[], as = 'alice'): Promise<T> {
    const result = await this.acsctl([...argv, '-o', 'json'], as);
    if (result.code !== 0) throw new Error(`acsctl ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  /** Monitoring hands points to the threshold evaluation (the spec plays the samples). */
  async points(...points: Array<{ deviceId: string; metric: string; at: number; value: number }>): Promise<void> {
    await this.fixture.useCases.evaluateThresholds.execute(points);
  }

  async stop(): Promise<void> {
    await this.host.stop(0);
    await this.monitoringStore.close();
    await this.fixture.close();
    rmSync(this.dir, { recursive: true, force: true });
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
