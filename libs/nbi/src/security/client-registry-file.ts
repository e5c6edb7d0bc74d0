import { readFile, stat } from 'node:fs/promises';

import { ClientRegistryError, parseClientRegistry, type ClientRegistry, type ClientRegistryProvider } from './client-registry';

/** What the registry file logs: reloads (info) and files it refused (error). Pino's logger fits. */
export interface ClientRegistryLogger {
  info(context: object, message: string): void;
  error(context: object, message: string): void;
}

export interface ClientRegistryFileOptions {
  /** How often the file's modification time is checked. Default 2000 ms. */
  pollIntervalMs?: number;
  logger?: ClientRegistryLogger;
}

/** Identifies one version of the file; an editor that replaces the file (new inode) counts as a change too. */
interface FileVersion {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
}

/**
 * The client registry of a YAML file (ACS_NBI_CLIENTS_FILE), reloaded when the file changes. Polling rather than
 * fs.watch: watch events are lost on some file systems (network mounts, Kubernetes ConfigMaps swap a symlink), and a
 * stat every two seconds costs nothing. A file that fails to load at start fails the start; one that fails on reload
 * is logged and the previous registry stays in force, so a typo cannot lock every client out.
 */
export class ClientRegistryFile implements ClientRegistryProvider {
  private registry: ClientRegistry;
  private version: FileVersion;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<boolean> | undefined;

  private constructor(
    readonly path: string,
    loaded: { registry: ClientRegistry; version: FileVersion },
    private readonly logger: ClientRegistryLogger | undefined,
  ) {
    this.registry = loaded.registry;
    this.version = loaded.version;
  }

  /** Loads the file (throws ClientRegistryError when it is missing or invalid) and starts watching it. */
  static async open(path: string, options: ClientRegistryFileOptions = {}): Promise<ClientRegistryFile> {
    const file = new ClientRegistryFile(path, await load(path), options.logger);
    const interval = options.pollIntervalMs ?? 2000;
    file.timer = setInterval(() => {
      // checkNow never rejects; a failed check is logged there.
      void file.checkNow();
    }, interval);
    // Watching the file must not keep a process alive that has otherwise finished.
    file.timer.unref();
    return file;
  }

  get current(): ClientRegistry {
    return this.registry;
  }

  /**
   * Reloads the file if it changed since the last look; resolves true when a new registry took over. Called by the
   * poll timer; tests call it to avoid waiting for one.
   */
  checkNow(): Promise<boolean> {
    this.checking ??= this.check().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Stops watching; the last registry stays readable. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<boolean> {
    let version: FileVersion;
    try {
      version = versionOf(await stat(this.path));
    } catch (error) {
      if (this.version.size !== -1) {
        this.logger?.error({ file: this.path, err: error }, 'NBI client file unreadable; keeping the clients loaded before');
        this.version = { mtimeMs: -1, ctimeMs: -1, size: -1, ino: -1 };
      }
      return false;
    }
    if (sameVersion(version, this.version)) return false;
    try {
      const loaded = await load(this.path);
      this.registry = loaded.registry;
      this.version = loaded.version;
      this.logger?.info({ file: this.path, clients: loaded.registry.clients.length }, 'NBI client file reloaded');
      return true;
    } catch (error) {
      // Remember this version so the same broken file is reported once, not every poll.
      this.version = version;
      const problems = error instanceof ClientRegistryError ? error.problems : [(error as Error).message];
      this.logger?.error({ file: this.path, problems }, 'NBI client file rejected; keeping the clients loaded before');
      return false;
    }
  }
}

async function load(path: string): Promise<{ registry: ClientRegistry; version: FileVersion }> {
  let text: string;
  let version: FileVersion;
  try {
    // stat before reading: a write landing between the two is then seen as a change at the next poll.
    version = versionOf(await stat(path));
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ClientRegistryError(path, [`cannot read the client file: ${(error as Error).message}`]);
  }
  return { registry: parseClientRegistry(text, path), version };
}

function versionOf(stats: { mtimeMs: number; ctimeMs: number; size: number; ino: number }): FileVersion {
  return { mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, size: stats.size, ino: stats.ino };
}

function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.size === b.size && a.ino === b.ino;
}
