import { ConflictError, NotFoundError, ValidationError } from '@acs/platform';

import { useProvisioningFixture } from '../testing/provisioning-fixture';
import type { PresetInput } from './save-preset.usecase';

const structured = (name: string, extra: Record<string, unknown> = {}): PresetInput => ({
  structured: { name, precondition: 'productClass = "HG8245"', triggers: ['1 BOOT'], actions: [{ reboot: true }], ...extra },
  fieldOf: (path) => `preset.${path.join('.')}`,
});

describe('SavePreset', () => {
  let clock = 1_700_000_000_000;
  const fixture = useProvisioningFixture({ now: () => clock });
  const save = () => fixture().useCases.savePreset;

  it('creates a preset stamped now, and refuses a taken name', async () => {
    const created = await save().execute({ preset: structured('reboot-on-boot'), mode: 'create' });
    expect(created).toMatchObject({ name: 'reboot-on-boot', channel: 'default', enabled: true, updatedAt: clock, triggers: [{ event: '1 BOOT' }] });
    expect(await fixture().store.presets.get('reboot-on-boot')).toEqual(created);
    const taken = await save().execute({ preset: structured('reboot-on-boot'), mode: 'create' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ kind: 'already-exists', details: { reason: 'PRESET_EXISTS' } });
  });

  it('updates a preset, and refuses an unknown one', async () => {
    await save().execute({ preset: structured('p'), mode: 'create' });
    clock += 1000;
    expect(await save().execute({ preset: structured('p', { weight: 9 }), mode: 'update' })).toMatchObject({ weight: 9, updatedAt: clock });
    await expect(save().execute({ preset: structured('never-created'), mode: 'update' })).rejects.toEqual(new NotFoundError('preset', 'never-created'));
  });

  it('takes one preset as YAML', async () => {
    const yaml = ['name: yaml-tags', 'triggers: ["0 BOOTSTRAP"]', 'actions:', '  - addTags: [new]'].join('\n');
    expect(await save().execute({ preset: { yaml }, mode: 'create' })).toMatchObject({ name: 'yaml-tags', actions: [{ addTags: ['new'] }] });
    const two = await save()
      .execute({ preset: { yaml: `${yaml}\n---\n${yaml.replace('yaml-tags', 'other')}` }, mode: 'create' })
      .catch((e: unknown) => e);
    expect(two).toMatchObject({ fieldViolations: [{ field: 'yaml', reason: 'BAD_VALUE' }] });
  });

  it('validates without storing, naming fields as the caller does', async () => {
    expect(await save().execute({ preset: structured('only-checked'), mode: 'validate' })).toMatchObject({ name: 'only-checked' });
    expect(await fixture().store.presets.get('only-checked')).toBeNull();
    const bad = await save().execute({ preset: structured('bad', { precondition: 'productClass = ' }), mode: 'validate' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(bad).toMatchObject({ fieldViolations: [{ field: 'preset.precondition', reason: 'INVALID_PRESET' }] });
    const yaml = await save().execute({ preset: { yaml: 'name: broken\ntriggers: ["1 BOOT"]\nactions:\n  - explode: true\n' }, mode: 'validate' }).catch((e: unknown) => e);
    expect((yaml as ValidationError).fieldViolations[0]).toMatchObject({ field: 'yaml', description: expect.stringMatching(/^line 4: actions\[0\]/) });
  });

  it('requires a preset', async () => {
    await expect(save().execute({ preset: undefined, mode: 'create' })).rejects.toMatchObject({ fieldViolations: [{ field: 'preset', reason: 'REQUIRED' }] });
  });
});
