/**
 * How many server streams (WatchTask, WatchEvents) each client holds open on this pod, capped: a watch holds memory
 * and a place in the event fan-out for as long as it lasts, so one client (a script opening a watch per device and
 * never closing them) must not be able to take a pod's capacity from everyone else. Per pod, like the rate limit: a
 * client's connection, and so its streams, sit on one pod at a time.
 */
export class ClientStreamLimiter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerClient: number) {
    if (!Number.isInteger(maxPerClient) || maxPerClient < 1) throw new RangeError(`streams per client must be a positive integer, got ${maxPerClient}`);
  }

  /** Takes a place for a new stream of the client; false when the client already holds `maxPerClient`. */
  acquire(client: string): boolean {
    const count = this.open.get(client) ?? 0;
    if (count >= this.maxPerClient) return false;
    this.open.set(client, count + 1);
    return true;
  }

  /** Gives back a place taken by `acquire`. */
  release(client: string): void {
    const count = this.open.get(client) ?? 0;
    if (count <= 1) this.open.delete(client);
    else this.open.set(client, count - 1);
  }

  /** Streams the client holds open now. */
  held(client: string): number {
    return this.open.get(client) ?? 0;
  }
}
