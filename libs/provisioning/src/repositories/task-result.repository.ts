import { type DocumentCollection, type StoredDocument } from '@acs/platform';

import type { TaskResultEntryKind } from '../domain';
import { InvalidQueryError, type Page, type TaskResultRepository } from './ports';

/** Entries per chunk at most: a page of GetTaskResult reads one or a few chunks. */
export const RESULT_CHUNK_MAX_ENTRIES = 1_000;
/**
 * Bytes of entries (as JSON) per chunk at most, far under MongoDB's 16 MB document limit; a chunk holds at least one
 * entry, and one entry is bounded by the CWMP body limit (4 MB by default).
 */
export const RESULT_CHUNK_MAX_BYTES = 1024 * 1024;

/**
 * Large task results over a DocumentCollection (`taskResults`), one document per chunk of consecutive entries:
 * `_id` = `<taskId>/<n>`, `taskId`, `first` and `last` (offsets of its first and last entries in the result),
 * `kind`, and `entriesJson` (the entries as JSON text: entries are arbitrary, and nedb refuses dots in keys and
 * MongoDB `$`-prefixed ones, as for a task's resultJson). Chunks are cut by count and by bytes, so a chunk of long
 * values stays small too; `first`/`last` let a read find the chunks of any offset range in one indexed query.
 */
export class StoredTaskResultRepository implements TaskResultRepository {
  constructor(private readonly chunks: DocumentCollection) {}

  async save(taskId: string, kind: TaskResultEntryKind, entries: readonly unknown[]): Promise<void> {
    await this.delete(taskId);
    let n = 0;
    let first = 0;
    let texts: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (texts.length === 0) return;
      const doc: StoredDocument = { _id: `${taskId}/${n}`, taskId, first, last: first + texts.length - 1, kind, entriesJson: `[${texts.join(',')}]` };
      await this.chunks.insertOne(doc);
      n++;
      first += texts.length;
      texts = [];
      bytes = 0;
    };
    for (const entry of entries) {
      const text = JSON.stringify(entry) ?? 'null';
      const size = Buffer.byteLength(text, 'utf8');
      if (texts.length > 0 && (texts.length >= RESULT_CHUNK_MAX_ENTRIES || bytes + size > RESULT_CHUNK_MAX_BYTES)) await flush();
      texts.push(text);
      bytes += size;
    }
    await flush();
  }

  async read(taskId: string, page: Page): Promise<unknown[]> {
    if (!Number.isInteger(page.skip) || page.skip < 0) throw new InvalidQueryError(`skip must be a non-negative integer, got ${page.skip}`);
    if (!Number.isInteger(page.limit) || page.limit < 0) throw new InvalidQueryError(`limit must be a non-negative integer, got ${page.limit}`);
    if (page.limit === 0) return [];
    const end = page.skip + page.limit - 1;
    const docs = await this.chunks.find({ taskId, first: { $lte: end }, last: { $gte: page.skip } }, { sort: [['first', 1]] });
    const entries: unknown[] = [];
    for (const doc of docs) {
      const chunk = JSON.parse(String(doc.entriesJson)) as unknown[];
      const first = Number(doc.first);
      const from = Math.max(0, page.skip - first);
      const to = Math.min(chunk.length, end - first + 1);
      for (let i = from; i < to; i++) entries.push(chunk[i]);
    }
    return entries;
  }

  async delete(taskId: string): Promise<void> {
    await this.chunks.deleteMany({ taskId });
  }
}
