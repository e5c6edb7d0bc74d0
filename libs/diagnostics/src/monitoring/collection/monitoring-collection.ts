import { PeriodicRounds, type EventBus, type Logger } from '@acs/platform';

import type { BulkDataUrlIssuer, CollectionCatalog, CollectionDeviceStates, CollectionProfiles, CollectionTasks, SampleIngest, TargetMembers } from './collection-ports';
import { CollectionContext, DEFAULT_COLLECTION_SETTINGS, type CollectionSettings } from './collection-context';
import type { CollectionEntryRepository } from './collection-entry';
import { CollectionRound, type CollectionRoundSummary } from './collection-round';
import { CollectionTaskOutcomes } from './collection-task-outcomes';
import { MonitoringInformConsumer, MonitoringTaskConsumer } from './collection-consumers';
import { InformSamples } from './inform-samples';
import { SampleBatcher } from './sample-batcher';

export interface MonitoringCollectionDeps {
  bus: EventBus;
  /** The collection's own entries (openSqliteCollectionEntries / openMongoCollectionEntries). */
  entries: CollectionEntryRepository;
  /** The monitoring profiles (the monitoring store's profiles). */
  profiles: CollectionProfiles;
  /** The metric catalog (MonitoringUseCases.catalog). */
  catalog: CollectionCatalog;
  /** Monitoring's device states, for the instance bindings reads resolve paths with (the monitoring store's devices). */
  deviceStates: CollectionDeviceStates;
  /** Where samples go (MonitoringUseCases.ingestSamples). */
  ingest: SampleIngest;
  /** Target membership (ServiceTargetMembers over provisioning and grouping). */
  members: TargetMembers;
  /** Provisioning tasks (ProvisioningCollectionTasks). */
  tasks: CollectionTasks;
  /** The BulkData collector (DiagnosticsHttpServer); without one, bulkdata profiles are read. */
  bulkDataUrls?: BulkDataUrlIssuer;
  logger: Logger;
  /** Time between the end of a round and the start of the next (default 10 s). */
  roundMs?: number;
  /**
   * Whether this pod runs the next round (the service's wiring: whether it holds the collection's lease). Rounds on
   * several pods at once are safe (every change is a compare-and-set) but walk the targets twice. Default: always.
   */
  roundGate?: () => Promise<boolean>;
  settings?: Partial<CollectionSettings>;
  now?: () => number;
}

export const DEFAULT_COLLECTION_ROUND_MS = 10_000;

/**
 * How monitoring profiles' samples are collected (docs/diagnostics.md, "Performance monitoring" → "Collection"):
 * the values Informs carry (a `cwmp.events` consumer), reads at each device's periodic Inform and BulkData profiles
 * set up on devices (rounds on a timer walking the profiles' targets, and an `acs.task` consumer following their
 * tasks). BulkData reports come in through the diagnostics HTTP server's collector, not here.
 * `start` subscribes and starts the rounds; `stop` ends them and waits for the round in progress.
 */
export class MonitoringCollection {
  readonly round: CollectionRound;
  readonly outcomes: CollectionTaskOutcomes;
  readonly informs: InformSamples;
  private readonly batcher: SampleBatcher;
  private readonly rounds: PeriodicRounds;
  private readonly informConsumer: MonitoringInformConsumer;
  private readonly taskConsumer: MonitoringTaskConsumer;
  private lastRound?: CollectionRoundSummary;

  constructor(deps: MonitoringCollectionDeps) {
    const now = deps.now ?? Date.now;
    this.batcher = new SampleBatcher(deps.ingest);
    const context = new CollectionContext({
      entries: deps.entries,
      profiles: deps.profiles,
      catalog: deps.catalog,
      deviceStates: deps.deviceStates,
      members: deps.members,
      tasks: deps.tasks,
      samples: this.batcher,
      ...(deps.bulkDataUrls ? { bulkDataUrls: deps.bulkDataUrls } : {}),
      logger: deps.logger,
      now,
      settings: { ...DEFAULT_COLLECTION_SETTINGS, ...(deps.settings ?? {}) },
    });
    this.round = new CollectionRound(context);
    this.outcomes = new CollectionTaskOutcomes(context);
    this.informs = new InformSamples(context);
    this.rounds = new PeriodicRounds({
      name: 'monitoring collection round',
      intervalMs: deps.roundMs ?? DEFAULT_COLLECTION_ROUND_MS,
      round: async () => {
        if (deps.roundGate && !(await deps.roundGate())) return;
        this.lastRound = await this.round.execute();
        const { visited, added, removed, armed, bulkDataStarted } = this.lastRound;
        if (added + removed + armed + bulkDataStarted > 0) deps.logger.debug({ visited, added, removed, armed, bulkDataStarted }, 'monitoring collection round');
      },
      logger: deps.logger,
    });
    this.informConsumer = new MonitoringInformConsumer(deps.bus, this.informs, deps.logger, now);
    this.taskConsumer = new MonitoringTaskConsumer(deps.bus, this.outcomes, deps.logger, now);
  }

  async start(): Promise<void> {
    await this.taskConsumer.start();
    await this.informConsumer.start();
    this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
    await this.informConsumer.stop();
    await this.taskConsumer.stop();
  }

  /** Samples handed to IngestSamples so far (reads and Informs; BulkData reports go through the collector). */
  stats(): { calls: number; samples: number; stored: number; lastRound?: CollectionRoundSummary } {
    return { ...this.batcher.stats(), ...(this.lastRound ? { lastRound: this.lastRound } : {}) };
  }
}
