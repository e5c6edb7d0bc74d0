import type Redis from 'ioredis';

type Invoke = (...args: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script registered on a client with `defineCommand`, so ioredis sends EVALSHA and falls back to EVAL after
 * a SCRIPT FLUSH or on a fresh server.
 */
export class LuaScript<Result> {
  constructor(
    readonly name: string,
    private readonly keyCount: number,
    private readonly lua: string,
  ) {}

  install(client: Redis): void {
    client.defineCommand(this.name, { numberOfKeys: this.keyCount, lua: this.lua });
  }

  async run(client: Redis, keys: string[], args: (string | number)[]): Promise<Result> {
    if (keys.length !== this.keyCount) throw new Error(`${this.name}: expected ${this.keyCount} keys, got ${keys.length}`);
    const invoke = (client as unknown as Record<string, Invoke | undefined>)[this.name];
    if (!invoke) throw new Error(`${this.name}: script not installed on this client`);
    return (await invoke.call(client, ...keys, ...args)) as Result;
  }
}
