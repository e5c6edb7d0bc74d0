import { ConflictError, DuplicateKeyError, withoutUndefined, type DocumentCollection, type DocumentFilter, type Page, type Paged, type StoredDocument } from '@acs/platform';

import type { DiagnosticRun } from '../domain/diagnostic-run';
import type { DiagnosticRunRepository, RunQuery, RunSlot, RunSlotRepository } from './run-ports';

/** Runs over a DocumentCollection (`diagnostics.runs`), `_id` = run id; an end is a replace conditional on `running`. */
export class StoredRunRepository implements DiagnosticRunRepository {
  constructor(private readonly runs: DocumentCollection) {}

  async insert(run: DiagnosticRun): Promise<void> {
    try {
      await this.runs.insertOne(toDocument(run));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new ConflictError(`diagnostic run ${run.id} already exists`, { kind: 'already-exists', subject: `diagnostic run ${run.id}` });
      throw error;
    }
  }

  async get(id: string): Promise<DiagnosticRun | null> {
    const doc = await this.runs.findOne({ _id: id });
    return doc ? fromDocument(doc) : null;
  }

  async list(query: RunQuery, page: Page): Promise<Paged<DiagnosticRun>> {
    const filter: DocumentFilter = withoutUndefined({ deviceId: query.deviceId, kind: query.kind, status: query.status });
    const [docs, total] = await Promise.all([this.runs.find(filter, { sort: [['createdAt', -1], ['_id', -1]], skip: page.skip, limit: page.limit }), this.runs.count(filter)]);
    return { items: docs.map(fromDocument), total };
  }

  async updateRunning(id: string, changes: Partial<Pick<DiagnosticRun, 'setTaskId' | 'readTaskId' | 'startedAt'>>, expectedReadTaskId?: string): Promise<boolean> {
    const filter: DocumentFilter = { _id: id, status: 'running', ...(expectedReadTaskId !== undefined ? { readTaskId: expectedReadTaskId } : {}) };
    return this.runs.updateOne(filter, { set: withoutUndefined(changes) as Record<string, unknown> });
  }

  async finish(run: DiagnosticRun): Promise<boolean> {
    return this.runs.replaceOne({ _id: run.id, status: 'running' }, toDocument(run));
  }

  async overdue(now: number, limit: number): Promise<DiagnosticRun[]> {
    const docs = await this.runs.find({ status: 'running', deadline: { $lte: now } }, { sort: [['deadline', 1]], limit });
    return docs.map(fromDocument);
  }

  delete(id: string): Promise<boolean> {
    return this.runs.deleteOne({ _id: id });
  }
}

/** Slots over a DocumentCollection (`diagnostics.runSlots`): the insert of `_id` = `<deviceId>|<objectPath>` claims. */
export class StoredRunSlotRepository implements RunSlotRepository {
  constructor(private readonly slots: DocumentCollection) {}

  async claim(deviceId: string, objectPath: string, slot: RunSlot): Promise<RunSlot | null> {
    const _id = slotId(deviceId, objectPath);
    try {
      await this.slots.insertOne({ _id, runId: slot.runId, deadline: slot.deadline });
      return null;
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    const held = await this.slots.findOne({ _id });
    // Freed between the insert and the read: the caller tries again.
    if (!held) return { runId: '', deadline: 0 };
    return { runId: String(held.runId), deadline: Number(held.deadline) };
  }

  release(deviceId: string, objectPath: string, runId: string): Promise<boolean> {
    return this.slots.deleteOne({ _id: slotId(deviceId, objectPath), runId });
  }
}

/** Device ids are percent-escaped (no `|`), so the separator is unambiguous. */
function slotId(deviceId: string, objectPath: string): string {
  return `${deviceId}|${objectPath}`;
}

function toDocument(run: DiagnosticRun): StoredDocument {
  const { id, ...rest } = run;
  return withoutUndefined({ _id: id, ...rest });
}

function fromDocument(doc: StoredDocument): DiagnosticRun {
  const { _id, ...rest } = doc;
  return { id: _id, ...(rest as Omit<DiagnosticRun, 'id'>) };
}
