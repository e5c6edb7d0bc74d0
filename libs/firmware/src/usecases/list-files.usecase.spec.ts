import { chunksOf } from '../testing';
import { useFirmwareFixture } from '../testing/firmware-fixture';

describe('ListFiles', () => {
  let clock = 1000;
  const fixture = useFirmwareFixture({ now: () => clock++ });

  async function upload(name: string, fileType: string, targets: Array<{ oui: string; productClass: string; hardwareVersions: string[] }>) {
    return fixture().useCases.uploadFile.execute({ description: { name, fileType, targets, softwareVersion: '', notes: '' }, createdBy: 'ops', content: chunksOf(Buffer.from(name)) });
  }

  it('lists newest first, by type and by model, a page at a time', async () => {
    await upload('ex220.bin', '1 Firmware Upgrade Image', [{ oui: '00259E', productClass: 'EX220', hardwareVersions: [] }]);
    await upload('ax3000.bin', '1 Firmware Upgrade Image', [{ oui: 'A0B1C2', productClass: 'AX3000', hardwareVersions: ['2'] }]);
    await upload('tones.bin', '4 Tone File', []);
    const names = async (query: Parameters<ReturnType<typeof fixture>['useCases']['listFiles']['execute']>[0]) =>
      (await fixture().useCases.listFiles.execute(query)).items.map((f) => f.name);
    expect(await names({ page: { skip: 0, limit: 10 } })).toEqual(['tones.bin', 'ax3000.bin', 'ex220.bin']);
    expect(await names({ fileType: '1 Firmware Upgrade Image', page: { skip: 0, limit: 10 } })).toEqual(['ax3000.bin', 'ex220.bin']);
    expect(await names({ fileType: '1 Firmware Upgrade Image', oui: 'A0B1C2', productClass: 'AX3000', hardwareVersion: '1', page: { skip: 0, limit: 10 } })).toEqual([]);
    expect(await names({ oui: '00259E', page: { skip: 0, limit: 10 } })).toEqual(['tones.bin', 'ex220.bin']);
    const page = await fixture().useCases.listFiles.execute({ page: { skip: 1, limit: 1 } });
    expect({ names: page.items.map((f) => f.name), total: page.total }).toEqual({ names: ['ax3000.bin'], total: 3 });
  });

  it('refuses a model without its OUI, a hardware version without its product class, an unknown type', async () => {
    await expect(fixture().useCases.listFiles.execute({ productClass: 'EX220', hardwareVersion: '1', fileType: 'Firmware', page: { skip: 0, limit: 1 } })).rejects.toMatchObject({
      fieldViolations: [{ field: 'file_type' }, { field: 'oui' }],
    });
    await expect(fixture().useCases.listFiles.execute({ oui: '00259E', hardwareVersion: '1', page: { skip: 0, limit: 1 } })).rejects.toMatchObject({
      fieldViolations: [{ field: 'product_class' }],
    });
  });
});
