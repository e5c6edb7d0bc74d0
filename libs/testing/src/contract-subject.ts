import { randomBytes } from 'node:crypto';

/** An adapter under contract test, with what it takes to throw it away (close clients, delete test keys/topics). */
export interface ContractSubject<Adapter> {
  adapter: Adapter;
  cleanup(): Promise<void>;
}

export type ContractFactory<Adapter, Subject extends ContractSubject<Adapter> = ContractSubject<Adapter>> = () => Promise<Subject>;

/** A short random token for unique device ids, session ids and topic names. */
export function uniqueToken(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
