import { ConflictError, NotFoundError } from '@acs/platform';

import { chunksOf } from '../testing';
import { useFirmwareFixture } from '../testing/firmware-fixture';

describe('DeleteFile', () => {
  const fixture = useFirmwareFixture();

  async function upload() {
    return fixture().useCases.uploadFile.execute({
      description: { name: 'ex220.bin', fileType: '1 Firmware Upgrade Image', targets: [], softwareVersion: '2.0', notes: '' },
      createdBy: 'ops',
      content: chunksOf(Buffer.from('image')),
    });
  }

  it('deletes the metadata and the content', async () => {
    const file = await upload();
    await fixture().useCases.deleteFile.execute({ fileId: file.id, requestedBy: 'ops' });
    expect(await fixture().store.files.get(file.id)).toBeNull();
    expect(await fixture().store.content.ids()).toEqual([]);
    expect(await fixture().core.fileSource.stat(file.id)).toBeNull();
    await expect(fixture().useCases.deleteFile.execute({ fileId: file.id, requestedBy: 'ops' })).rejects.toEqual(new NotFoundError('file', file.id));
  });

  it('refuses while a campaign that has not ended uses the file, naming it; allows once it has ended', async () => {
    const file = await upload();
    await fixture().putCampaign({ _id: 'spring-rollout', status: 'paused', fileIds: [file.id] });
    const refusal = await fixture().useCases.deleteFile.execute({ fileId: file.id, requestedBy: 'ops' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConflictError);
    expect(refusal).toMatchObject({ kind: 'precondition', details: { reason: 'FILE_IN_USE', subject: 'campaign spring-rollout' } });
    expect(await fixture().store.files.get(file.id)).not.toBeNull();
    await fixture().putCampaign({ _id: 'spring-rollout', status: 'completed', fileIds: [file.id] });
    await fixture().useCases.deleteFile.execute({ fileId: file.id, requestedBy: 'ops' });
    expect(await fixture().store.files.get(file.id)).toBeNull();
  });
});
