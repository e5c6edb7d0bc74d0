import { AcsTaskEventType } from '@acs/contracts';
import { NotFoundError } from '@acs/platform';

import { INLINE_RESULT_MAX_BYTES } from '../domain/task-result';
import { useProvisioningFixture } from '../testing/provisioning-fixture';
import { MAX_RESULT_PAGE_BYTES, MAX_RESULT_PAGE_ENTRIES } from './get-task-result.usecase';

describe('GetTaskResult', () => {
  const fixture = useProvisioningFixture();

  /** A GetParameterValues of the whole tree answered with `count` values (values of `valueLength` characters). */
  async function readDone(count: number, valueLength = 8) {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'getParameterValues', parameterNames: ['Device.'] } });
    const [item] = await fixture().queued(device.id);
    const parameterList = Array.from({ length: count }, (_, i) => ({ name: `Device.X.${i + 1}.Value`, value: { type: 'string' as const, value: String(i).padStart(valueLength, 'v') } }));
    await fixture().useCases.recordRpcResult.answer({
      sessionId: 's1',
      deviceId: device.id,
      itemId: item.id,
      taskId: task.id,
      request: item.rpc,
      response: { kind: 'GetParameterValuesResponse', parameterList },
    });
    return { task, parameterList };
  }

  async function allPages(taskId: string, limit: number) {
    const pages: number[] = [];
    const entries: unknown[] = [];
    let skip = 0;
    for (;;) {
      const page = await fixture().useCases.getTaskResult.execute({ taskId, page: { skip, limit } });
      pages.push(page.entries.length);
      entries.push(...page.entries);
      if (page.nextSkip === undefined) return { pages, entries, summary: page.summary };
      skip = page.nextSkip;
    }
  }

  it('keeps a large result out of the task and its event, and pages all of it exactly once', async () => {
    const { task, parameterList } = await readDone(3_000);
    const stored = await fixture().store.tasks.get(task.id);
    expect(stored?.status).toBe('done');
    expect(stored?.result).toBeUndefined();
    expect(stored?.resultSummary).toMatchObject({ entryKind: 'parameter_values', entryCount: 3_000, parametersRead: 3_000, inline: false });
    expect(stored!.resultSummary!.sizeBytes).toBeGreaterThan(INLINE_RESULT_MAX_BYTES);
    const done = fixture().messages('acs.task').find((m) => m.type === AcsTaskEventType.done);
    expect((done?.data as { result?: unknown }).result).toBeUndefined();
    expect((done?.data as { resultSummary?: unknown }).resultSummary).toMatchObject({ entryCount: 3_000, inline: false });

    const { pages, entries, summary } = await allPages(task.id, 700);
    expect(pages).toEqual([700, 700, 700, 700, 200]);
    expect(entries).toEqual(parameterList.map((p) => ({ path: p.name, value: p.value.value, type: 'string' })));
    expect(summary).toMatchObject({ entryCount: 3_000, parametersFailed: 0 });
  });

  it('keeps a small result in the task and pages it from there', async () => {
    const { task } = await readDone(3);
    const stored = await fixture().store.tasks.get(task.id);
    expect(stored?.resultSummary).toMatchObject({ entryCount: 3, inline: true });
    expect(stored?.result).toEqual({ values: expect.any(Array) });
    const { pages, entries } = await allPages(task.id, 2);
    expect(pages).toEqual([2, 1]);
    expect(entries).toHaveLength(3);
  });

  it('bounds a page by entries and by bytes, whatever the caller asks', async () => {
    const { task } = await readDone(MAX_RESULT_PAGE_ENTRIES + 10, 4);
    const first = await fixture().useCases.getTaskResult.execute({ taskId: task.id, page: { skip: 0, limit: 1_000_000 } });
    expect(first.entries).toHaveLength(MAX_RESULT_PAGE_ENTRIES);
    const long = await readDone(12, 200 * 1024);
    const page = await fixture().useCases.getTaskResult.execute({ taskId: long.task.id, page: { skip: 0, limit: 100 } });
    expect(page.entries.length).toBeLessThan(12);
    expect(Buffer.byteLength(JSON.stringify(page.entries))).toBeLessThanOrEqual(MAX_RESULT_PAGE_BYTES + 64);
    const { entries } = await allPages(long.task.id, 100);
    expect(entries).toHaveLength(12);
  });

  it('answers an empty page for a task without a result, and NOT_FOUND for an unknown one', async () => {
    const device = await fixture().registerDevice();
    const { task } = await fixture().useCases.createTask.execute({ deviceId: device.id, spec: { kind: 'reboot' } });
    expect(await fixture().useCases.getTaskResult.execute({ taskId: task.id, page: { skip: 0, limit: 10 } })).toMatchObject({ entries: [], nextSkip: undefined, summary: undefined });
    await expect(fixture().useCases.getTaskResult.execute({ taskId: 'missing', page: { skip: 0, limit: 10 } })).rejects.toEqual(new NotFoundError('task', 'missing'));
  });
});
