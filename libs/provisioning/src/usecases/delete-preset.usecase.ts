import { NotFoundError, type Logger } from '@acs/platform';

import type { PresetRepository } from '../repositories/ports';
import { requireField } from './violations';

/** Deletes a preset (the catalog sees the tombstone and drops it); an unknown name: NotFoundError. */
export class DeletePreset {
  constructor(
    private readonly presets: Pick<PresetRepository, 'delete'>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async execute(command: { name: string }): Promise<void> {
    const name = requireField(command.name, 'name');
    if (!(await this.presets.delete(name, this.now()))) throw new NotFoundError('preset', name);
    this.logger.info({ preset: name }, 'preset deleted through the API');
  }
}
