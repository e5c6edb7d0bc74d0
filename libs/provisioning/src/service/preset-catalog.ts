import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@acs/platform';
import type { Preset } from '../domain/preset';
import type { PresetSource } from '../usecases/apply-inform.usecase';
import { parsePresetYaml } from '../presets';
import type { PresetRepository } from '../repositories/ports';

/**
 * The presets in force. The repository is the source of truth (the API writes it); this keeps a copy and refreshes
 * it when the repository reports changes, so an edited preset applies without a restart. Presets can also be kept as
 * YAML files in a directory (GitOps): the catalog loads them into the repository at start and whenever a file
 * changes; a file that does not validate is reported and leaves the presets as they were.
 */
export class PresetCatalog implements PresetSource {
  private presets: Preset[] = [];
  private loadedAt = 0;
  private readonly fileStamps = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: PresetRepository,
    private readonly logger: Logger,
    private readonly options: { directory?: string; pollMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    await this.syncFiles();
    await this.reload(true);
    this.timer = setInterval(() => {
      void this.syncFiles()
        .then(() => this.reload(false))
        .catch((error: unknown) => this.logger.warn({ err: error }, 'preset refresh failed'));
    }, this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async current(): Promise<Preset[]> {
    return this.presets;
  }

  /** Re-reads the repository if anything changed since the last read (or always, with `force`). */
  async reload(force: boolean): Promise<void> {
    const since = this.loadedAt;
    const stamp = this.now();
    if (!force && (await this.repository.changedSince(since)).length === 0) return;
    this.presets = (await this.repository.list()).filter((p) => p.enabled);
    this.loadedAt = stamp;
    this.logger.info({ presets: this.presets.map((p) => p.name) }, 'presets loaded');
  }

  private async syncFiles(): Promise<void> {
    const directory = this.options.directory;
    if (!directory) return;
    for (const name of readdirSync(directory).filter((f) => /\.ya?ml$/i.test(f)).sort()) {
      const path = join(directory, name);
      const mtime = statSync(path).mtimeMs;
      if (this.fileStamps.get(path) === mtime) continue;
      this.fileStamps.set(path, mtime);
      try {
        const presets = parsePresetYaml(readFileSync(path, 'utf8'), name);
        for (const preset of presets) await this.repository.put({ ...preset, updatedAt: this.now() });
        this.logger.info({ file: name, presets: presets.map((p) => p.name) }, 'presets loaded from file');
      } catch (error) {
        this.logger.error({ file: name, err: error }, 'preset file rejected; presets unchanged');
      }
    }
  }
}
