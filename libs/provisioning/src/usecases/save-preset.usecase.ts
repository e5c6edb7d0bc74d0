import { ConflictError, NotFoundError, type Logger } from '@acs/platform';

import type { Preset } from '../domain/preset';
import { PresetValidationError, parsePresetYaml, validatePreset, type PresetIssue } from '../presets';
import type { PresetRepository } from '../repositories/ports';
import { invalid } from './violations';

/** The preset rules applied; by default the ones preset files go through. */
export interface PresetRules {
  /** A preset in the YAML shape → the domain preset, or its issues (paths in that shape). */
  validate(raw: unknown, updatedAt: number): { preset: Preset; issues: [] } | { preset?: undefined; issues: PresetIssue[] };
  /** The presets of a YAML text; throws PresetValidationError. */
  parseYaml(text: string, sourceName: string): Preset[];
}

export const DEFAULT_PRESET_RULES: PresetRules = {
  validate: validatePreset,
  parseYaml: (text, sourceName) => parsePresetYaml(text, sourceName),
};

/**
 * A preset as a caller sends it: structured (in the YAML shape validatePreset reads, with the caller's name for the
 * field at an issue's path, so violations name what the caller sent), or one preset as YAML text.
 */
export type PresetInput =
  | { structured: Record<string, unknown>; fieldOf: (path: ReadonlyArray<string | number>) => string }
  | { yaml: string }
  | undefined;

/** `create` refuses a taken name, `update` an unknown one, `validate` stores nothing. */
export type SaveMode = 'create' | 'update' | 'validate';

export interface SavePresetDeps {
  presets: Pick<PresetRepository, 'get' | 'put'>;
  rules?: PresetRules;
  logger: Logger;
  now?: () => number;
}

/** Creates, updates or only validates a preset; answers it as stored (stamped now). */
export class SavePreset {
  private readonly rules: PresetRules;
  private readonly now: () => number;

  constructor(private readonly deps: SavePresetDeps) {
    this.rules = deps.rules ?? DEFAULT_PRESET_RULES;
    this.now = deps.now ?? Date.now;
  }

  async execute(command: { preset: PresetInput; mode: SaveMode }): Promise<Preset> {
    const preset = this.presetOf(command.preset);
    const { presets, logger } = this.deps;
    switch (command.mode) {
      case 'validate':
        return preset;
      case 'create':
        if (await presets.get(preset.name)) {
          throw new ConflictError(`preset ${preset.name} already exists`, { kind: 'already-exists', reason: 'PRESET_EXISTS', subject: `preset ${preset.name}` });
        }
        break;
      case 'update':
        if (!(await presets.get(preset.name))) throw new NotFoundError('preset', preset.name);
        break;
    }
    await presets.put(preset);
    logger.info({ preset: preset.name }, command.mode === 'create' ? 'preset created through the API' : 'preset updated through the API');
    return preset;
  }

  /** The preset the input carries, validated, stamped now. */
  private presetOf(input: PresetInput): Preset {
    const updatedAt = this.now();
    if (input === undefined) throw invalid('a preset is required', [{ field: 'preset', description: 'set preset or yaml', reason: 'REQUIRED' }]);
    if ('structured' in input) {
      const result = this.rules.validate(input.structured, updatedAt);
      if (result.preset) return result.preset;
      throw invalid(
        'invalid preset',
        result.issues.map((issue) => ({ field: input.fieldOf(issue.path), description: issue.message, reason: 'INVALID_PRESET' })),
      );
    }
    let presets: Preset[];
    try {
      presets = this.rules.parseYaml(input.yaml, 'yaml');
    } catch (error) {
      if (!(error instanceof PresetValidationError)) throw error;
      throw invalid(
        'invalid preset YAML',
        error.issues.map((issue) => ({
          field: 'yaml',
          description: [issue.line !== undefined ? `line ${issue.line}` : '', issue.field, issue.message].filter((part) => part !== '').join(': '),
          reason: 'INVALID_PRESET',
        })),
      );
    }
    if (presets.length !== 1) {
      throw invalid('invalid preset YAML', [{ field: 'yaml', description: `one preset per request, found ${presets.length}`, reason: 'BAD_VALUE' }]);
    }
    return { ...presets[0], updatedAt };
  }
}
