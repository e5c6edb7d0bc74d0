import { stringify } from 'yaml';
import { presetActionDocument, type acsV1 } from '@acs/contracts';

/**
 * A stored preset written in the presets-file format (docs/presets.md), so `presets get NAME > x.yaml` gives a file
 * that `presets apply -f x.yaml` takes back. Defaults are left out, as a person would write the file.
 */
export function presetToFileYaml(preset: acsV1.Preset): string {
  const doc: Record<string, unknown> = { name: preset.name };
  if (preset.weight !== 0) doc.weight = preset.weight;
  if (preset.channel !== '' && preset.channel !== 'default') doc.channel = preset.channel;
  if (preset.precondition !== '') doc.precondition = preset.precondition;
  if (!preset.enabled) doc.enabled = false;
  doc.triggers = preset.triggers.flatMap((t) => (t.kind ? [fileTrigger(t.kind)] : []));
  doc.actions = preset.actions.flatMap((a) => (a.kind ? [presetActionDocument(a.kind)] : []));
  return stringify(doc);
}

function fileTrigger(kind: NonNullable<acsV1.PresetTrigger['kind']>): unknown {
  switch (kind.$case) {
    case 'event':
      return kind.event;
    case 'anyInform':
      return { anyInform: true };
    case 'cron':
      return { cron: kind.cron };
  }
}
