/**
 * Runs the work on one device's upgrade one piece at a time in this process: a Download task's news and the device's
 * boot arrive on two topics at once, and the executor records the task id while they may already be coming. Each
 * write is a compare-and-set on the target, but FerretDB (development) does not isolate concurrent updates of one
 * document (ADR 6), so two in-process writers could still undo each other there; across pods the engine's
 * compare-and-set is what holds (docs/firmware-campaigns.md).
 */
export class PerDeviceQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(deviceId) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(deviceId, tail);
    void tail.then(() => {
      if (this.tails.get(deviceId) === tail) this.tails.delete(deviceId);
    });
    return result;
  }
}
