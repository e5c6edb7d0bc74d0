import { ConflictError, DuplicateKeyError, withoutUndefined, type DocumentCollection, type Page, type Paged, type StoredDocument } from '@acs/platform';

import { CAMPAIGN_RUN_GOING, type Job } from '../domain/job';
import type { JobRepository } from './ports';

/** Jobs over a DocumentCollection (`grouping.jobs`), `_id` = job id; a change is a replace conditional on the revision. */
export class StoredJobRepository implements JobRepository {
  constructor(private readonly jobs: DocumentCollection) {}

  async insert(job: Job): Promise<void> {
    try {
      await this.jobs.insertOne(toDocument(job));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new ConflictError(`job ${job.id} already exists`, { kind: 'already-exists', subject: `job ${job.id}` });
      throw error;
    }
  }

  async get(id: string): Promise<Job | null> {
    const doc = await this.jobs.findOne({ _id: id });
    return doc ? fromDocument(doc) : null;
  }

  async list(page: Page): Promise<Paged<Job>> {
    const [docs, total] = await Promise.all([this.jobs.find({}, { sort: [['createdAt', -1], ['_id', -1]], skip: page.skip, limit: page.limit }), this.jobs.count({})]);
    return { items: docs.map(fromDocument), total };
  }

  async update(job: Job, expectedRevision: number): Promise<Job | null> {
    const next = { ...job, revision: expectedRevision + 1 };
    return (await this.jobs.replaceOne({ _id: job.id, revision: expectedRevision }, toDocument(next))) ? next : null;
  }

  async due(now: number, limit: number): Promise<Job[]> {
    const docs = await this.jobs.find({ nextRunAt: { $lte: now } }, { sort: [['nextRunAt', 1]], limit });
    return docs.map(fromDocument);
  }

  async campaignRunsGoing(limit: number): Promise<Job[]> {
    const docs = await this.jobs.find({ 'campaignRun.status': { $in: [...CAMPAIGN_RUN_GOING] } }, { sort: [['_id', 1]], limit });
    return docs.map(fromDocument);
  }
}

function toDocument(job: Job): StoredDocument {
  const { id, ...rest } = job;
  return withoutUndefined({ _id: id, ...rest });
}

function fromDocument(doc: StoredDocument): Job {
  const { _id, ...rest } = doc;
  return { id: _id, ...(rest as Omit<Job, 'id'>) };
}
