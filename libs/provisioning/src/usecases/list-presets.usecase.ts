import type { Preset } from '../domain/preset';
import type { Page, Paged, PresetRepository } from '../repositories/ports';

/** Presets by name, a page at a time. */
export class ListPresets {
  constructor(private readonly presets: Pick<PresetRepository, 'list'>) {}

  async execute(query: { page: Page }): Promise<Paged<Preset>> {
    // The repository lists every preset (they are few, and the catalog holds them all anyway); the page is cut here.
    const all = await this.presets.list();
    const { skip, limit } = query.page;
    return { items: all.slice(skip, skip + limit), total: all.length };
  }
}
