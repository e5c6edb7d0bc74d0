import type { INestApplicationContext } from '@nestjs/common';

/**
 * Graceful shutdown: on SIGTERM/SIGINT close the app (Nest's shutdown hooks drain listeners and consumers), then exit
 * 0. A timer bounds the drain: a peer that never closes or a stuck consumer cannot keep the pod alive past
 * `timeoutMs`. `afterClose` disconnects what the app did not own (the adapters' clients). We do not use `enableShutdownHooks`, which re-raises the signal after closing: the exit status would
 * read as a crash, and V8's --cpu-prof would lose its profile.
 */
export function closeOnSignals(app: INestApplicationContext, timeoutMs: number, afterClose: () => Promise<void> = async () => undefined): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => {
      process.stderr.write(`shutdown after ${signal} took longer than ${timeoutMs} ms; exiting\n`);
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    app.close().then(afterClose).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
