/**
 * Resolves once `condition` holds, checking every few milliseconds. The bound only keeps a broken test from hanging
 * until jest's own timeout, and names what never came; it is far above what a busy CI machine needs, because a spec
 * must not fail for being slow.
 */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
