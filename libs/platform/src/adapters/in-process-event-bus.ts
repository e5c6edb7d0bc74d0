import { GroupTopicConflictError, type BusHandler, type BusMessage, type EventBus, type SubscribeOptions, type Subscription } from '../ports';

export interface InProcessEventBusOptions {
  /** Lanes per topic; messages of one key always take the same lane, so they stay in order. */
  partitions?: number;
  /** Attempts per message before it goes to `<topic>.dlq`. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs?: number;
  /** Messages kept per topic for groups that subscribe `fromBeginning` (default IN_PROCESS_BUS_RETENTION). */
  retention?: number;
}

/**
 * Messages kept per topic (up to a quarter more between trims) for a `fromBeginning` group that joins after they were
 * published. In one process every group joins at start, so this only covers the moments before the last consumer
 * subscribed; each message kept is a whole event (an Inform is a few kB), and every one is held long enough to reach
 * the old generation of the heap, so more would cost memory and garbage collection for nothing.
 */
export const IN_PROCESS_BUS_RETENTION = 1_000;

interface Member {
  handler: BusHandler;
}

/** A published message as it sits on the bus: its key for partitioning, and its JSON encoding. */
interface Stored {
  key: string;
  json: string;
}

/** One consumer group's view of one topic: a FIFO lane per partition, each drained by one member at a time. */
class GroupLanes {
  readonly members: Member[] = [];
  private readonly lanes: Stored[][];
  private readonly busy: boolean[];

  constructor(
    partitions: number,
    private readonly deliver: (member: Member, message: Stored) => Promise<void>,
  ) {
    this.lanes = Array.from({ length: partitions }, () => []);
    this.busy = new Array<boolean>(partitions).fill(false);
  }

  push(partition: number, message: Stored): void {
    this.lanes[partition].push(message);
    if (!this.busy[partition]) void this.drain(partition);
  }

  async drain(partition: number): Promise<void> {
    this.busy[partition] = true;
    const lane = this.lanes[partition];
    try {
      while (lane.length > 0 && this.members.length > 0) {
        // Partitions are spread over the group's members the way Kafka assigns them.
        const member = this.members[partition % this.members.length];
        await this.deliver(member, lane[0]);
        lane.shift();
      }
    } finally {
      this.busy[partition] = false;
    }
  }

  resume(): void {
    for (let p = 0; p < this.lanes.length; p++) if (!this.busy[p] && this.lanes[p].length > 0) void this.drain(p);
  }
}

/**
 * EventBus for one process with Kafka's delivery contract: every group gets every message, members of a group
 * share partitions, one key's messages arrive in order, a failing handler is retried with back-off and its message
 * dead-lettered to `<topic>.dlq` after `maxAttempts`. Messages travel as JSON, as they do on Kafka: consumers get
 * their own copy, and what JSON cannot carry (undefined, Dates, class instances) is lost here exactly as it would be
 * there.
 */
export class InProcessEventBus implements EventBus {
  private readonly partitions: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retention: number;
  /** topic → group → lanes */
  private readonly groups = new Map<string, Map<string, GroupLanes>>();
  private readonly logs = new Map<string, Stored[]>();
  private closed = false;

  constructor(options: InProcessEventBusOptions = {}) {
    this.partitions = options.partitions ?? 16;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.retention = options.retention ?? IN_PROCESS_BUS_RETENTION;
  }

  async publish(messages: BusMessage[]): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    for (const message of messages) {
      const stored: Stored = { key: message.key, json: JSON.stringify(message) };
      this.append(message.topic, stored);
      const partition = partitionOf(message.key, this.partitions);
      for (const lanes of this.groups.get(message.topic)?.values() ?? []) lanes.push(partition, stored);
    }
  }

  async subscribe(topic: string, options: SubscribeOptions, handler: BusHandler): Promise<Subscription> {
    for (const [other, groups] of this.groups) {
      if (other !== topic && groups.has(options.group)) throw new GroupTopicConflictError(options.group, topic, other);
    }
    let byGroup = this.groups.get(topic);
    if (!byGroup) this.groups.set(topic, (byGroup = new Map()));
    let lanes = byGroup.get(options.group);
    const isNewGroup = !lanes;
    if (!lanes) byGroup.set(options.group, (lanes = new GroupLanes(this.partitions, (m, msg) => this.deliver(topic, m, msg))));
    const member: Member = { handler };
    lanes.members.push(member);
    if (isNewGroup && options.fromBeginning) {
      for (const message of this.logs.get(topic) ?? []) lanes.push(partitionOf(message.key, this.partitions), message);
    }
    lanes.resume();
    const group = lanes;
    const groups = byGroup;
    return {
      close: async () => {
        const index = group.members.indexOf(member);
        if (index >= 0) group.members.splice(index, 1);
        // An ephemeral group goes with its member: its queued messages and its name are free again.
        if (options.ephemeral && group.members.length === 0) groups.delete(options.group);
        else group.resume();
      },
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.groups.clear();
  }

  private append(topic: string, message: Stored): void {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = []));
    log.push(message);
    // Trim in batches: splicing one element off the front per publish would make every publish O(retention).
    if (log.length > this.retention * 1.25) log.splice(0, log.length - this.retention);
  }

  private async deliver(topic: string, member: Member, stored: Stored): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await member.handler(JSON.parse(stored.json) as BusMessage);
        return;
      } catch (error) {
        if (this.closed) return;
        if (attempt >= this.maxAttempts) {
          const message = JSON.parse(stored.json) as BusMessage;
          await this.publish([{ ...message, topic: `${topic}.dlq`, data: { message, error: errorText(error) } }]);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.retryBaseMs * 2 ** (attempt - 1)));
      }
    }
  }
}

/** FNV-1a: cheap, stable, spreads device ids evenly over partitions. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
