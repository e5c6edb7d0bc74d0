import { NotFoundError } from '@acs/platform';

import type { Preset } from '../domain/preset';
import type { PresetRepository } from '../repositories/ports';
import { requireField } from './violations';

export class GetPreset {
  constructor(private readonly presets: Pick<PresetRepository, 'get'>) {}

  async execute(query: { name: string }): Promise<Preset> {
    const name = requireField(query.name, 'name');
    const preset = await this.presets.get(name);
    if (!preset) throw new NotFoundError('preset', name);
    return preset;
  }
}
