import { ConflictError, DuplicateKeyError, withoutUndefined, type DocumentCollection, type Page, type Paged, type StoredDocument } from '@acs/platform';

import type { ThresholdRule } from '../domain/threshold-rule';
import type { ThresholdRuleRepository } from './ports';

/** Threshold rules over a DocumentCollection (`diagnostics.thresholdRules`); a change is a replace conditional on the revision. */
export class StoredThresholdRuleRepository implements ThresholdRuleRepository {
  constructor(private readonly rules: DocumentCollection) {}

  async insert(rule: ThresholdRule): Promise<void> {
    try {
      await this.rules.insertOne(toDocument(rule));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new ConflictError(`threshold rule ${rule.id} already exists`, { kind: 'already-exists', subject: `threshold rule ${rule.id}` });
      throw error;
    }
  }

  async get(id: string): Promise<ThresholdRule | null> {
    const doc = await this.rules.findOne({ _id: id });
    return doc ? fromDocument(doc) : null;
  }

  async list(page: Page): Promise<Paged<ThresholdRule>> {
    const [docs, total] = await Promise.all([
      this.rules.find({}, { sort: [['name', 1], ['_id', 1]], skip: page.skip, limit: page.limit }),
      this.rules.count({}),
    ]);
    return { items: docs.map(fromDocument), total };
  }

  async enabled(): Promise<ThresholdRule[]> {
    return (await this.rules.find({ enabled: true })).map(fromDocument);
  }

  async update(rule: ThresholdRule, expectedRevision: number): Promise<ThresholdRule | null> {
    const next = { ...rule, revision: expectedRevision + 1 };
    return (await this.rules.replaceOne({ _id: rule.id, revision: expectedRevision }, toDocument(next))) ? next : null;
  }

  delete(id: string): Promise<boolean> {
    return this.rules.deleteOne({ _id: id });
  }
}

function toDocument(rule: ThresholdRule): StoredDocument {
  const { id, ...rest } = rule;
  return withoutUndefined({ _id: id, ...rest });
}

function fromDocument(doc: StoredDocument): ThresholdRule {
  const { _id, ...rest } = doc;
  return { id: _id, ...(rest as Omit<ThresholdRule, 'id'>) };
}
