import { acsV1 } from '@acs/contracts';
import type { PresetDocument } from './preset-documents.reader';

export type PresetChangeKind = 'create' | 'update' | 'unchanged' | 'delete';

export interface PresetChange {
  name: string;
  kind: PresetChangeKind;
  /** Where the preset comes from; absent for deletions. */
  document?: PresetDocument;
  /** For updates, the fields that differ (`weight`, `actions`…). */
  fields: string[];
}

/** A preset of the files with the form the server gave it (ValidatePreset: defaults filled in). */
export interface DesiredPreset {
  document: PresetDocument;
  preset: acsV1.Preset;
}

/**
 * What `presets apply` does: create presets the server lacks, update those whose stored form differs from the
 * file's, leave the others, and with `serverNames` (given only for --prune) delete the server's presets no file names.
 * Comparing against the server-validated form of the file means defaults and number formats cannot show as changes.
 */
export function planPresetApply(
  desired: readonly DesiredPreset[],
  stored: ReadonlyMap<string, acsV1.Preset>,
  serverNames?: readonly string[],
): PresetChange[] {
  const changes: PresetChange[] = desired.map(({ document, preset }) => {
    const current = stored.get(preset.name);
    if (!current) return { name: preset.name, kind: 'create', document, fields: [] };
    const fields = differingFields(preset, current);
    return { name: preset.name, kind: fields.length > 0 ? 'update' : 'unchanged', document, fields };
  });
  if (serverNames) {
    const wanted = new Set(desired.map((d) => d.preset.name));
    for (const name of [...serverNames].sort()) if (!wanted.has(name)) changes.push({ name, kind: 'delete', fields: [] });
  }
  return changes;
}

/** Names used by more than one preset of the files, with where: the server would keep only the last. */
export function duplicateNames(desired: readonly DesiredPreset[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const { preset, document } of desired) {
    const first = seen.get(preset.name);
    if (first === undefined) seen.set(preset.name, document.source);
    else problems.push(`${document.source}: preset ${preset.name} is already defined at ${first}`);
  }
  return problems;
}

/** The preset's fields that differ, compared in their JSON form; the server's update time is not the preset's. */
export function differingFields(a: acsV1.Preset, b: acsV1.Preset): string[] {
  const left = comparable(a);
  const right = comparable(b);
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  return keys.filter((k) => JSON.stringify(left[k]) !== JSON.stringify(right[k]));
}

function comparable(preset: acsV1.Preset): Record<string, unknown> {
  const json = acsV1.Preset.toJSON(preset) as Record<string, unknown>;
  delete json.updateTime;
  return json;
}
