import { randomUUID } from 'node:crypto';

import { DuplicateKeyError } from '@acs/platform';

import type { FirmwareFile } from '../domain';
import type { FirmwareStore } from '../repositories/ports';

/** A firmware store under contract test (metadata and campaigns), empty when handed over. */
export interface FirmwareStoreSubject {
  store: FirmwareStore;
  /** Writes a campaign document as the campaigns part will: for FileUsage. */
  putCampaign(campaign: { _id: string; status: string; fileIds: string[] }): Promise<void>;
  cleanup(): Promise<void>;
}

export function sampleFile(overrides: Partial<FirmwareFile> = {}): FirmwareFile {
  return {
    id: randomUUID(),
    name: 'ex220-2.0.0.bin',
    fileType: '1 Firmware Upgrade Image',
    targets: [{ oui: '00259E', productClass: 'EX220', hardwareVersions: ['HW1', 'HW2'] }],
    softwareVersion: '2.0.0',
    notes: 'fixes the Wi-Fi drop',
    size: 1234,
    sha256: 'a'.repeat(64),
    createdAt: 1_700_000_000_000,
    createdBy: 'ops',
    ...overrides,
  };
}

/** What the file metadata repository and the campaign-backed FileUsage must do on every store. */
export function firmwareStoreContract(name: string, factory: () => Promise<FirmwareStoreSubject>): void {
  describe(`firmware store contract: ${name}`, () => {
    let subject: FirmwareStoreSubject | undefined;
    const current = (): FirmwareStoreSubject => {
      if (!subject) throw new Error('no firmware store: the factory failed');
      return subject;
    };
    beforeEach(async () => {
      subject = await factory();
    });
    afterEach(async () => {
      await subject?.cleanup();
      subject = undefined;
    });

    it('stores a file and reads it back as it was', async () => {
      const file = sampleFile();
      await current().store.files.insert(file);
      expect(await current().store.files.get(file.id)).toEqual(file);
      expect(await current().store.files.get('unknown')).toBeNull();
    });

    it('refuses a second file with the same id', async () => {
      const file = sampleFile();
      await current().store.files.insert(file);
      await expect(current().store.files.insert({ ...file, name: 'other' })).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it('lists newest first, a page at a time, with the total', async () => {
      const files = [1, 2, 3, 4, 5].map((n) => sampleFile({ name: `f${n}`, createdAt: 1000 + n }));
      for (const file of files) await current().store.files.insert(file);
      const first = await current().store.files.list({}, { skip: 0, limit: 2 });
      expect(first.total).toBe(5);
      expect(first.items.map((f) => f.name)).toEqual(['f5', 'f4']);
      const last = await current().store.files.list({}, { skip: 4, limit: 2 });
      expect(last.items.map((f) => f.name)).toEqual(['f1']);
    });

    it('filters by type and by model; a file without targets is for any model', async () => {
      const { files } = current().store;
      await files.insert(sampleFile({ name: 'ex220-any-hw', targets: [{ oui: '00259E', productClass: 'EX220', hardwareVersions: [] }], createdAt: 1 }));
      await files.insert(sampleFile({ name: 'ex220-hw1', targets: [{ oui: '00259E', productClass: 'EX220', hardwareVersions: ['HW1'] }], createdAt: 2 }));
      await files.insert(sampleFile({ name: 'ax3000', targets: [{ oui: 'A0B1C2', productClass: 'AX3000', hardwareVersions: [] }], createdAt: 3 }));
      await files.insert(sampleFile({ name: 'any-model-config', fileType: '3 Vendor Configuration File', targets: [], createdAt: 4 }));
      const names = async (query: Parameters<typeof files.list>[0]) => (await files.list(query, { skip: 0, limit: 100 })).items.map((f) => f.name);

      expect(await names({ fileType: '1 Firmware Upgrade Image' })).toEqual(['ax3000', 'ex220-hw1', 'ex220-any-hw']);
      expect(await names({ model: { oui: '00259E' } })).toEqual(['any-model-config', 'ex220-hw1', 'ex220-any-hw']);
      expect(await names({ model: { oui: '00259E', productClass: 'EX220', hardwareVersion: 'HW2' } })).toEqual(['any-model-config', 'ex220-any-hw']);
      expect(await names({ model: { oui: '00259E', productClass: 'EX220', hardwareVersion: 'HW1' } })).toEqual(['any-model-config', 'ex220-hw1', 'ex220-any-hw']);
      expect(await names({ fileType: '1 Firmware Upgrade Image', model: { oui: 'A0B1C2', productClass: 'AX3000' } })).toEqual(['ax3000']);
      expect((await files.list({ model: { oui: 'FFFFFF' }, fileType: '1 Firmware Upgrade Image' }, { skip: 0, limit: 10 })).total).toBe(0);
    });

    it('deletes a file once', async () => {
      const file = sampleFile();
      await current().store.files.insert(file);
      expect(await current().store.files.delete(file.id)).toBe(true);
      expect(await current().store.files.get(file.id)).toBeNull();
      expect(await current().store.files.delete(file.id)).toBe(false);
    });

    it('names the campaigns that have not ended and use a file', async () => {
      await current().putCampaign({ _id: 'c-running', status: 'running', fileIds: ['f1', 'f2'] });
      await current().putCampaign({ _id: 'c-paused', status: 'paused', fileIds: ['f1'] });
      await current().putCampaign({ _id: 'c-done', status: 'completed', fileIds: ['f1'] });
      await current().putCampaign({ _id: 'c-cancelled', status: 'cancelled', fileIds: ['f1'] });
      await current().putCampaign({ _id: 'c-other', status: 'running', fileIds: ['f3'] });
      expect(await current().store.usage.campaignsUsing('f1')).toEqual(['c-paused', 'c-running']);
      expect(await current().store.usage.campaignsUsing('f4')).toEqual([]);
    });
  });
}
