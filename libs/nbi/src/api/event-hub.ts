import { randomUUID } from 'node:crypto';
import { PUBLIC_TOPICS } from '@acs/contracts';
import type { BusMessage, EventBus, Logger, Subscription } from '@acs/platform';

export interface EventFilter {
  /** Exact types, or prefixes ending with `.`; empty = all. */
  types: readonly string[];
  deviceIds: readonly string[];
}

export interface EventWatcher {
  filter: EventFilter;
  deliver(message: BusMessage): void;
  /** The hub is going away (the server stops): the watch ends now, so the client reconnects to another pod. */
  end?(reason: string): void;
}

export interface EventReplayOptions {
  /** Events held for watches that resume (`since`), the newest. Default 10,000. */
  maxEvents?: number;
  /** And none received longer ago than this. Default 10 minutes. */
  maxAgeMs?: number;
  /** Tests move the clock. */
  now?: () => number;
}

/** Asked to replay from a time this hub cannot vouch for: it started later, or the events have aged out. */
export class ReplayOutOfRangeError extends Error {
  constructor(
    readonly since: number,
    readonly heldSince: number,
  ) {
    super(
      `${Number.isFinite(heldSince) ? `events before ${new Date(heldSince).toISOString()} are` : 'no events are yet'} not held by this server ` +
        `(asked from ${Number.isFinite(since) ? new Date(since).toISOString() : String(since)}); read them from Kafka, or watch again without since`,
    );
    this.name = 'ReplayOutOfRangeError';
  }
}

interface HeldEvent {
  message: BusMessage;
  /** The event's own time (epoch ms; NaN when it has none that parses). */
  time: number;
  receivedAt: number;
}

/**
 * Fans the public topics out to the open WatchEvents streams of this pod. The pod reads each topic once, in
 * consumer groups of its own (every NBI pod must see every event, so pods do not share groups; one group per topic,
 * as the bus requires), from the events published after it started. Across a broker restart the groups resume from
 * their committed positions (KafkaEventBus pins a new group's start), so the backlog the outboxes publish as soon as
 * Kafka is back reaches the watches even when it lands before the hub has rejoined.
 *
 * It also holds the most recent events (10,000, at most 10 minutes old) so that a watch can resume: `watch` with
 * `since` first hands over the held events whose time is at or after it, then the live ones. Replay and registration
 * happen in one synchronous step, so no event falls between them. The hub vouches for a `since` only when it holds
 * every event it received with a time at or after it: not before the hub joined the topics, nor at or before the
 * time of an event it let go (ReplayOutOfRangeError). Longer history is Kafka's.
 */
export class EventHub {
  private readonly watchers = new Set<EventWatcher>();
  private subscriptions: Subscription[] = [];
  private readonly instance = `acs-nbi-${randomUUID()}`;
  private readonly held: HeldEvent[] = [];
  /** Index of the oldest held event in `held` (dropped ones are cut off in batches). */
  private heldStart = 0;
  /** The earliest `since` the hub can replay completely; infinite until it has joined the topics. */
  private heldSince = Number.POSITIVE_INFINITY;
  private readonly maxEvents: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
    replay: EventReplayOptions = {},
  ) {
    this.maxEvents = replay.maxEvents ?? 10_000;
    this.maxAgeMs = replay.maxAgeMs ?? 10 * 60_000;
    this.now = replay.now ?? Date.now;
  }

  async start(): Promise<void> {
    for (const topic of PUBLIC_TOPICS) {
      this.subscriptions.push(
        await this.bus.subscribe(topic, { group: `${this.instance}.${topic}`, ephemeral: true }, async (message) => {
          this.hold(message);
          for (const watcher of this.watchers) {
            if (matches(watcher.filter, message)) watcher.deliver(message);
          }
        }),
      );
    }
    // Every event published from now on reaches the hub: replays can start here.
    this.heldSince = this.now();
    this.logger.info({ groups: `${this.instance}.<topic>`, topics: PUBLIC_TOPICS }, 'event hub following the public topics');
  }

  /**
   * Registers the watcher; with `since` (epoch ms), first delivers the held events matching its filter whose time is
   * at or after it, in the order received. Throws ReplayOutOfRangeError when the hub cannot vouch for `since`.
   */
  watch(watcher: EventWatcher, since?: number): () => void {
    if (since !== undefined) {
      this.dropAged();
      if (since < this.heldSince) throw new ReplayOutOfRangeError(since, this.heldSince);
      for (let i = this.heldStart; i < this.held.length; i++) {
        const { message, time } = this.held[i];
        // An event whose time does not parse is replayed: better once too often than missed.
        if (!(time < since) && matches(watcher.filter, message)) watcher.deliver(message);
      }
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Events held for replay now. */
  get heldCount(): number {
    return this.held.length - this.heldStart;
  }

  private hold(message: BusMessage): void {
    const receivedAt = this.now();
    this.held.push({ message, time: Date.parse(message.time), receivedAt });
    this.dropAged();
    while (this.heldCount > this.maxEvents) this.drop();
  }

  private dropAged(): void {
    const oldest = this.now() - this.maxAgeMs;
    while (this.heldCount > 0 && this.held[this.heldStart].receivedAt < oldest) this.drop();
  }

  /** Lets the oldest held event go: a replay from its time or earlier can no longer be complete. */
  private drop(): void {
    const { time } = this.held[this.heldStart];
    this.heldStart++;
    if (!Number.isNaN(time)) this.heldSince = Math.max(this.heldSince, time + 1);
    // Cut the array in batches, not an O(n) shift per event.
    if (this.heldStart > 1024 && this.heldStart * 2 > this.held.length) {
      this.held.splice(0, this.heldStart);
      this.heldStart = 0;
    }
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /**
   * Ends every open watch with `reason`. Watches never end by themselves, so a server draining for its stop would
   * otherwise wait its whole grace period on them and then cut them off; ended first, their clients reconnect at
   * once (to another pod) while the unary calls in flight finish.
   */
  endWatches(reason: string): number {
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const watcher of watchers) watcher.end?.(reason);
    return watchers.length;
  }

  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.close()));
  }
}

export function matches(filter: EventFilter, message: BusMessage): boolean {
  if (filter.deviceIds.length > 0 && !filter.deviceIds.includes(message.key)) return false;
  if (filter.types.length === 0) return true;
  return filter.types.some((type) => (type.endsWith('.') ? message.type.startsWith(type) : message.type === type));
}
