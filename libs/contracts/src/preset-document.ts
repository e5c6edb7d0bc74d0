import type * as v1 from './generated/acs/v1/presets';

/** The kind of a preset action (the provisioning service serves the public message itself). */
export type PresetActionKind = NonNullable<v1.PresetAction['kind']>;

/**
 * A preset action as it is written in a presets file (docs/presets.md): what the provisioning service validates a
 * preset message as, and what `acsctl presets get` prints so that `presets apply` takes it back.
 */
export function presetActionDocument(kind: PresetActionKind): Record<string, unknown> {
  switch (kind.$case) {
    case 'setValues':
      return { setValues: kind.setValues.values.map((v) => (v.type === '' ? { path: v.path, value: v.value } : { path: v.path, value: v.value, type: v.type })) };
    case 'ensureInstances': {
      const e = kind.ensureInstances;
      return {
        ensureInstances: {
          object: e.object,
          key: e.key,
          instances: e.instances.map((instance) => Object.fromEntries(instance.values.map((v) => [v.name, v.value]))),
          ...(e.removeOthers ? { removeOthers: true } : {}),
        },
      };
    }
    case 'addTags':
      return { addTags: [...kind.addTags.tags] };
    case 'removeTags':
      return { removeTags: [...kind.removeTags.tags] };
    case 'refresh':
      return { refresh: kind.refresh };
    case 'reboot':
      return { reboot: true };
    case 'download': {
      const d = kind.download;
      return {
        download: {
          fileType: d.fileType,
          url: d.url,
          ...(d.fileSize !== undefined ? { fileSize: d.fileSize } : {}),
          ...(d.targetFileName !== '' ? { targetFileName: d.targetFileName } : {}),
        },
      };
    }
  }
}
