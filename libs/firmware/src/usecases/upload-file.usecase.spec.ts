import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { LimitExceededError, ValidationError } from '@acs/platform';

import type { FileDescription } from '../domain';
import { FIRMWARE_CONTENT_DIRECTORY } from '../repositories/sqlite-store';
import { chunksOf, readAll } from '../testing';
import { useFirmwareFixture } from '../testing/firmware-fixture';

const description: FileDescription = {
  name: 'ex220-2.0.0.bin',
  fileType: '1 Firmware Upgrade Image',
  targets: [{ oui: '00259E', productClass: 'EX220', hardwareVersions: ['HW1'] }],
  softwareVersion: '2.0.0',
  notes: '',
};

describe('UploadFile', () => {
  const fixture = useFirmwareFixture({ maxFileBytes: 1024 * 1024, now: () => 1_700_000_000_000 });
  const contentFiles = () => readdir(join(fixture().dataDir, FIRMWARE_CONTENT_DIRECTORY));

  it('stores the content and records its size, SHA-256, time and uploader', async () => {
    const bytes = randomBytes(300_000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = await fixture().useCases.uploadFile.execute({ description, createdBy: 'ops', content: chunksOf(bytes), expectedSha256: sha256.toUpperCase() });
    expect(file).toMatchObject({ ...description, size: bytes.length, sha256, createdAt: 1_700_000_000_000, createdBy: 'ops' });
    expect(await fixture().store.files.get(file.id)).toEqual(file);
    expect((await readAll((await fixture().core.fileSource.open(file.id))!)).equals(bytes)).toBe(true);
    expect(await fixture().core.fileSource.stat(file.id)).toEqual({ size: bytes.length, sha256, updatedAt: file.createdAt, name: file.name });
  });

  it('refuses a file past the size limit and keeps nothing', async () => {
    await expect(fixture().useCases.uploadFile.execute({ description, createdBy: 'ops', content: chunksOf(randomBytes(1024 * 1024 + 1)) })).rejects.toBeInstanceOf(LimitExceededError);
    expect(await contentFiles()).toEqual([]);
    expect((await fixture().store.files.list({}, { skip: 0, limit: 10 })).total).toBe(0);
  });

  it('refuses content whose SHA-256 is not the expected one, and keeps nothing', async () => {
    const upload = fixture().useCases.uploadFile.execute({ description, expectedSha256: 'ab'.repeat(32), createdBy: 'ops', content: chunksOf(randomBytes(1000)) });
    await expect(upload).rejects.toMatchObject({ fieldViolations: [{ field: 'metadata.expected_sha256', reason: 'CHECKSUM_MISMATCH' }] });
    expect(await contentFiles()).toEqual([]);
    expect((await fixture().store.files.list({}, { skip: 0, limit: 10 })).total).toBe(0);
  });

  it('validates the metadata before reading any content', async () => {
    let read = false;
    async function* content(): AsyncGenerator<Uint8Array> {
      read = true;
      yield Buffer.from('x');
    }
    const bad = { ...description, name: 'a/b', fileType: '7 Something', targets: [{ oui: '00259e', productClass: '', hardwareVersions: [''] }] };
    const error = await fixture().useCases.uploadFile.execute({ description: bad, createdBy: 'ops', content: content() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldViolations.map((v) => v.field)).toEqual([
      'metadata.name',
      'metadata.file_type',
      'metadata.targets[0].oui',
      'metadata.targets[0].product_class',
      'metadata.targets[0].hardware_versions[0]',
    ]);
    expect(read).toBe(false);
    await expect(fixture().useCases.uploadFile.execute({ description, expectedSha256: 'xyz', createdBy: 'ops', content: content() })).rejects.toMatchObject({
      fieldViolations: [{ field: 'metadata.expected_sha256' }],
    });
  });

  it('accepts a vendor file type and a file for any model', async () => {
    const file = await fixture().useCases.uploadFile.execute({
      description: { ...description, fileType: 'X 00259E Bootloader', targets: [] },
      createdBy: '',
      content: chunksOf(Buffer.from('boot')),
    });
    expect(file).toMatchObject({ fileType: 'X 00259E Bootloader', targets: [], size: 4 });
  });

  it('keeps nothing when the uploader goes away midway', async () => {
    const abort = new AbortController();
    async function* content(): AsyncGenerator<Uint8Array> {
      yield randomBytes(1000);
      abort.abort();
      yield randomBytes(1000);
    }
    await expect(fixture().useCases.uploadFile.execute({ description, createdBy: 'ops', content: content(), signal: abort.signal })).rejects.toThrow();
    expect(await contentFiles()).toEqual([]);
  });
});
