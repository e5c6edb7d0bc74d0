/**
 * Graceful shutdown gets a bounded time: on SIGTERM/SIGINT a timer starts that ends the process if draining hangs
 * (a peer that never closes, a stuck consumer). Nest's shutdown hooks do the draining itself.
 */
export function installShutdownTimer(timeoutMs: number): void {
  const arm = (signal: string) => {
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown after ${signal} took longer than ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
  };
  process.once('SIGTERM', () => arm('SIGTERM'));
  process.once('SIGINT', () => arm('SIGINT'));
}
