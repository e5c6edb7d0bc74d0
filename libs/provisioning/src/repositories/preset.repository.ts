import type { Preset } from '../domain';
import { withoutUndefined, type DocumentCollection, type StoredDocument } from '@acs/platform';
import type { PresetChange, PresetRepository } from './ports';

/**
 * Presets over a DocumentCollection, `_id` = name. A deleted preset leaves a tombstone (`{ _id, deletedAt,
 * updatedAt }`) so a catalog polling changedSince learns of deletions too; tombstones are a few bytes each, and
 * putting the name again replaces it. `actions` are stored as JSON text: ensureInstances records are keyed by
 * parameter names, which may hold dots (nedb refuses dotted keys).
 */
export class StoredPresetRepository implements PresetRepository {
  constructor(private readonly presets: DocumentCollection) {}

  async list(): Promise<Preset[]> {
    const docs = await this.presets.find({ deletedAt: { $exists: false } }, { sort: [['_id', 1]] });
    return docs.map(fromStoredPreset);
  }

  async get(name: string): Promise<Preset | null> {
    const doc = await this.presets.findOne({ _id: name, deletedAt: { $exists: false } });
    return doc ? fromStoredPreset(doc) : null;
  }

  async put(preset: Preset): Promise<void> {
    await this.presets.replaceOne({ _id: preset.name }, toStoredPreset(preset), { upsert: true });
  }

  async delete(name: string, at: number = Date.now()): Promise<boolean> {
    return this.presets.replaceOne({ _id: name, deletedAt: { $exists: false } }, { _id: name, deletedAt: at, updatedAt: at });
  }

  async changedSince(ts: number): Promise<PresetChange[]> {
    const docs = await this.presets.find({ updatedAt: { $gt: ts } }, { sort: [['updatedAt', 1], ['_id', 1]] });
    return docs.map((doc) => ({
      name: doc._id,
      at: doc.updatedAt as number,
      preset: typeof doc.deletedAt === 'number' ? null : fromStoredPreset(doc),
    }));
  }
}

function toStoredPreset(preset: Preset): StoredDocument {
  const { name, actions, ...rest } = preset;
  return { _id: name, ...withoutUndefined(rest), actionsJson: JSON.stringify(actions) };
}

function fromStoredPreset(doc: StoredDocument): Preset {
  const { _id, actionsJson, ...rest } = doc;
  return { name: _id, ...rest, actions: JSON.parse(String(actionsJson)) } as unknown as Preset;
}
