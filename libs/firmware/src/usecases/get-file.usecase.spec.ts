import { NotFoundError } from '@acs/platform';

import { chunksOf } from '../testing';
import { useFirmwareFixture } from '../testing/firmware-fixture';

describe('GetFile', () => {
  const fixture = useFirmwareFixture();

  it('reads a file by id, and refuses an unknown or missing id', async () => {
    const file = await fixture().useCases.uploadFile.execute({
      description: { name: 'cfg.xml', fileType: '3 Vendor Configuration File', targets: [], softwareVersion: '', notes: 'lab' },
      createdBy: 'ops',
      content: chunksOf(Buffer.from('<cfg/>')),
    });
    expect(await fixture().useCases.getFile.execute({ fileId: file.id })).toEqual(file);
    await expect(fixture().useCases.getFile.execute({ fileId: 'nope' })).rejects.toEqual(new NotFoundError('file', 'nope'));
    await expect(fixture().useCases.getFile.execute({ fileId: '' })).rejects.toMatchObject({ fieldViolations: [{ field: 'file_id' }] });
  });
});
