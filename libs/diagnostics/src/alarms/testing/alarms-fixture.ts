import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pino from 'pino';

import type { AlarmEventKind, AlarmEventPayload } from '../domain/alarm';
import type { AlarmStore } from '../repositories/ports';
import { openSqliteDiagnosticsStore, type SqliteDiagnosticsStore } from '../../repositories/sqlite-store';
import type { AlarmEvents } from '../usecases/alarm-ports';
import { createAlarmUseCases, type AlarmCoreDeps, type AlarmUseCases } from '../usecases/alarm-usecases';
import { InMemoryRuleTargets, type TargetDevice } from './in-memory-rule-targets';

export interface RecordedAlarmEvent {
  kind: AlarmEventKind;
  deviceId: string;
  payload: AlarmEventPayload;
}

/** The alarm events published, in order. */
export class RecordedAlarmEvents implements AlarmEvents {
  readonly events: RecordedAlarmEvent[] = [];

  async publish(kind: AlarmEventKind, deviceId: string, payload: AlarmEventPayload): Promise<void> {
    this.events.push({ kind, deviceId, payload });
  }

  /** `<kind> <deviceId>` of each event, for compact expectations. */
  lines(): string[] {
    return this.events.map((event) => `${event.kind} ${event.deviceId}`);
  }
}

/**
 * Thresholds and alarms' use cases on the embedded store (the diagnostics database in a throw-away directory),
 * in-memory rule targets, recorded events and a clock the spec moves.
 */
export class AlarmsFixture {
  readonly events = new RecordedAlarmEvents();
  readonly useCases: AlarmUseCases;
  private ids = 0;

  private constructor(
    readonly store: AlarmStore,
    readonly targets: InMemoryRuleTargets,
    readonly clock: { now: number },
    private readonly diagnostics: SqliteDiagnosticsStore,
    private readonly dataDir: string,
    options: Pick<AlarmCoreDeps, 'staleAfterSeconds'>,
  ) {
    this.useCases = this.pod(options);
  }

  static async open(devices: readonly TargetDevice[] = [], options: Pick<AlarmCoreDeps, 'staleAfterSeconds'> & { now?: number } = {}): Promise<AlarmsFixture> {
    const dataDir = await mkdtemp(join(tmpdir(), 'acs-alarms-'));
    // The service's own store (its alarms part): the database and group commit every part shares.
    const diagnostics = openSqliteDiagnosticsStore({ dataDir });
    const clock = { now: options.now ?? Date.UTC(2027, 2, 1, 8) };
    return new AlarmsFixture(diagnostics.alarms, new InMemoryRuleTargets(devices), clock, diagnostics, dataDir, options.staleAfterSeconds !== undefined ? { staleAfterSeconds: options.staleAfterSeconds } : {});
  }

  /** Use cases of another pod on the same store and events (a device's evaluation continued elsewhere). */
  pod(options: Pick<AlarmCoreDeps, 'staleAfterSeconds'> = {}): AlarmUseCases {
    return createAlarmUseCases({
      store: this.store,
      targets: this.targets,
      events: this.events,
      logger: pino({ level: 'silent' }),
      now: () => this.clock.now,
      newId: () => `rule-${++this.ids}`,
      ...options,
    });
  }

  async close(): Promise<void> {
    await this.diagnostics.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
