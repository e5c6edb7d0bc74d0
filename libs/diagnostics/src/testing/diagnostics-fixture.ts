import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AcsDiagnosticsTestEventData, AcsTaskFault } from '@acs/contracts';
import type { BusMessage } from '@acs/platform';
import pino from 'pino';

import type { DataModelRoot } from '../domain/diagnostics-catalog';
import type { ReadValues } from '../domain/diagnostics-values';
import type { DiagnosticRun } from '../domain/diagnostic-run';
import { openSqliteDiagnosticsStore, type SqliteDiagnosticsStore } from '../repositories/sqlite-store';
import { RunEventPublisher } from '../service/run-event.publisher';
import type { DiagnosticsTestUrls } from '../usecases/run-ports';
import { createRunUseCases, type RunUseCases } from '../usecases/run-usecases';
import { InMemoryDiagnosticsDevices, InMemoryDiagnosticsTasks } from './in-memory-diagnostics';

export const TR181_DEVICE = '00259E-HG8245H-0001';
export const TR098_DEVICE = '001A2B-IGD-0002';

/**
 * The run use cases on the embedded store in a throw-away directory, in-memory devices and provisioning tasks, a
 * recording bus and a clock the spec moves.
 */
export class DiagnosticsFixture {
  /** Every event published, in order. */
  readonly published: BusMessage[] = [];
  readonly useCases: RunUseCases;
  readonly tasks = new InMemoryDiagnosticsTasks();
  private ids = 0;

  private constructor(
    readonly store: SqliteDiagnosticsStore,
    readonly clock: { now: number },
    private readonly dataDir: string,
    devices: Record<string, DataModelRoot>,
    defaultTimeoutMs: number,
    testUrls?: DiagnosticsTestUrls,
  ) {
    const bus = { publish: async (messages: BusMessage[]) => void this.published.push(...messages) };
    const logger = pino({ level: 'silent' });
    this.useCases = createRunUseCases({
      store,
      devices: new InMemoryDiagnosticsDevices(devices),
      tasks: this.tasks,
      events: new RunEventPublisher({ bus, logger }),
      logger,
      now: () => clock.now,
      newId: () => `run-${++this.ids}`,
      defaultTimeoutMs,
      ...(testUrls ? { testUrls } : {}),
    });
  }

  static async open(options: { devices?: Record<string, DataModelRoot>; defaultTimeoutMs?: number; testUrls?: DiagnosticsTestUrls } = {}): Promise<DiagnosticsFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-diagnostics-'));
    const devices = options.devices ?? { [TR181_DEVICE]: 'Device', [TR098_DEVICE]: 'InternetGatewayDevice' };
    return new DiagnosticsFixture(openSqliteDiagnosticsStore({ dataDir }), { now: Date.UTC(2027, 0, 4, 12) }, dataDir, devices, options.defaultTimeoutMs ?? 600_000, options.testUrls);
  }

  /** A ping of 192.0.2.1 on the TR-181 device unless told otherwise. */
  ping(deviceId = TR181_DEVICE, inputs: Record<string, string> = { Host: '192.0.2.1' }, timeoutSeconds?: number): Promise<DiagnosticRun> {
    return this.useCases.runDiagnostic.execute({ deviceId, kind: 'ipPing', inputs, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}), requestedBy: 'noc' });
  }

  /** The device took the inputs: the SetParameterValues is done. */
  async setDone(run: DiagnosticRun): Promise<void> {
    await this.useCases.followRunTask.onTask(this.tasks.finish(run.setTaskId!, 'done'));
  }

  async setFaulted(run: DiagnosticRun, fault: AcsTaskFault): Promise<void> {
    await this.useCases.followRunTask.onTask(this.tasks.finish(run.setTaskId!, 'faulted', { fault }));
  }

  /**
   * The device took the inputs (when its SetParameterValues is still pending), then reported 8 DIAGNOSTICS COMPLETE
   * and the current read read `values`.
   */
  async read(runId: string, values: ReadValues, options: { inline?: boolean } = {}): Promise<void> {
    const run = (await this.store.runs.get(runId))!;
    if (run.setTaskId && this.tasks.get(run.setTaskId).status === 'pending') await this.setDone(run);
    await this.useCases.followRunTask.onTask(this.tasks.finish(run.readTaskId!, 'done', { result: values, ...options }));
  }

  /** The published acs.diagnostics events since `from`: `<type without acs.diagnostics.> <runId> [state]`. */
  testEvents(from = 0): string[] {
    return this.published
      .slice(from)
      .filter((event) => event.type.startsWith('acs.diagnostics.test-'))
      .map((event) => {
        const data = event.data as AcsDiagnosticsTestEventData;
        return `${event.type.slice('acs.diagnostics.'.length)} ${data.runId}${data.state ? ` ${data.state}` : ''}`;
      });
  }

  lastEventData(): AcsDiagnosticsTestEventData {
    return this.published[this.published.length - 1]!.data as AcsDiagnosticsTestEventData;
  }

  async close(): Promise<void> {
    await this.store.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
