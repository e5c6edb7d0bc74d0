import { randomUUID } from 'node:crypto';
import { Topics, type BusMessage, type EventBus, type Logger, type Subscription } from '@acs/platform';

/** The public topics a watch can follow. */
export const PUBLIC_TOPICS = [Topics.acsDevice, Topics.acsTask] as const;

export interface EventFilter {
  /** Exact types, or prefixes ending with `.`; empty = all. */
  types: readonly string[];
  deviceIds: readonly string[];
}

export interface EventWatcher {
  filter: EventFilter;
  deliver(message: BusMessage): void;
}

/**
 * Fans the public topics out to the open WatchEvents streams of this pod. The pod reads each topic once, in
 * consumer groups of its own (every NBI pod must see every event, so pods do not share groups; one group per topic,
 * as the bus requires), from the events published after it started: a watch is a live view, not a replay (Kafka is
 * the replay log).
 */
export class EventHub {
  private readonly watchers = new Set<EventWatcher>();
  private subscriptions: Subscription[] = [];
  private readonly instance = `acs-nbi-${randomUUID()}`;

  constructor(
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    for (const topic of PUBLIC_TOPICS) {
      this.subscriptions.push(
        await this.bus.subscribe(topic, { group: `${this.instance}.${topic}`, ephemeral: true }, async (message) => {
          for (const watcher of this.watchers) {
            if (matches(watcher.filter, message)) watcher.deliver(message);
          }
        }),
      );
    }
    this.logger.info({ groups: `${this.instance}.<topic>`, topics: PUBLIC_TOPICS }, 'event hub following the public topics');
  }

  watch(watcher: EventWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  get watcherCount(): number {
    return this.watchers.size;
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
