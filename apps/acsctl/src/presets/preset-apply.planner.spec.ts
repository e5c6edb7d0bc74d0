import { acsV1 } from '@acs/contracts';
import { differingFields, duplicateNames, planPresetApply, type DesiredPreset } from './preset-apply.planner';

function preset(name: string, overrides: Partial<acsV1.Preset> = {}): acsV1.Preset {
  return acsV1.Preset.fromPartial({
    name,
    weight: 0,
    channel: 'default',
    enabled: true,
    triggers: [{ kind: { $case: 'event', event: '1 BOOT' } }],
    actions: [{ kind: { $case: 'addTags', addTags: { tags: ['booted'] } } }],
    ...overrides,
  });
}

function desired(p: acsV1.Preset, source = `presets/${p.name}.yaml:1`): DesiredPreset {
  return { preset: p, document: { source, name: p.name, yaml: `name: ${p.name}\n` } };
}

describe('planPresetApply', () => {
  it('creates the missing, updates the changed, leaves the equal ones, in file order', () => {
    const stored = new Map([
      ['same', preset('same', { updateTime: new Date('2024-01-01T00:00:00Z') })],
      ['changed', preset('changed', { weight: 5 })],
    ]);
    const plan = planPresetApply([desired(preset('new')), desired(preset('changed', { weight: 10 })), desired(preset('same'))], stored);
    expect(plan.map((c) => [c.name, c.kind, c.fields])).toEqual([
      ['new', 'create', []],
      ['changed', 'update', ['weight']],
      ['same', 'unchanged', []],
    ]);
    expect(plan[0].document?.source).toBe('presets/new.yaml:1');
  });

  it('deletes server presets no file defines only when pruning', () => {
    const stored = new Map([['kept', preset('kept')]]);
    const files = [desired(preset('kept'))];
    expect(planPresetApply(files, stored).map((c) => c.kind)).toEqual(['unchanged']);
    const pruned = planPresetApply(files, stored, ['zeta', 'kept', 'alpha']);
    expect(pruned.map((c) => [c.name, c.kind])).toEqual([
      ['kept', 'unchanged'],
      ['alpha', 'delete'],
      ['zeta', 'delete'],
    ]);
  });

  it('compares every field but the update time', () => {
    expect(differingFields(preset('a'), preset('a', { updateTime: new Date() }))).toEqual([]);
    expect(
      differingFields(
        preset('a'),
        preset('a', { enabled: false, precondition: 'tag = "x"', actions: [{ kind: { $case: 'reboot', reboot: {} } }] }),
      ),
    ).toEqual(['actions', 'enabled', 'precondition']);
    expect(differingFields(preset('a'), preset('a', { triggers: [{ kind: { $case: 'event', event: '0 BOOTSTRAP' } }] }))).toEqual(['triggers']);
  });

  it('finds names defined twice across the files', () => {
    expect(duplicateNames([desired(preset('a'), 'one.yaml:1'), desired(preset('b')), desired(preset('a'), 'two.yaml:7')])).toEqual([
      'two.yaml:7: preset a is already defined at one.yaml:1',
    ]);
  });
});
