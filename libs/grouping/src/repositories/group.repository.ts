import { ConflictError, DuplicateKeyError, withoutUndefined, type DocumentCollection, type StoredDocument } from '@acs/platform';

import type { Group } from '../domain/group';
import type { GroupRepository } from './ports';

/**
 * Groups over DocumentCollection (SQLite or MongoDB). A name is claimed by inserting `groupNames/<name>` before the
 * group is written and released after it is renamed or deleted, so two groups never share a name on either store
 * (SQLite has no unique secondary index); a crash between the two writes leaves a claimed name that names no group,
 * which the next claim of that name repairs.
 */
export class StoredGroupRepository implements GroupRepository {
  constructor(
    private readonly groups: DocumentCollection,
    private readonly names: DocumentCollection,
  ) {}

  async insert(group: Group): Promise<void> {
    await this.claimName(group.name, group.id);
    try {
      await this.groups.insertOne(toDocument(group));
    } catch (error) {
      await this.names.deleteOne({ _id: group.name, groupId: group.id });
      if (error instanceof DuplicateKeyError) throw new ConflictError(`group ${group.id} already exists`, { kind: 'already-exists', subject: `group ${group.id}` });
      throw error;
    }
  }

  async get(id: string): Promise<Group | null> {
    const doc = await this.groups.findOne({ _id: id });
    return doc ? fromDocument(doc) : null;
  }

  async all(): Promise<Group[]> {
    const docs = await this.groups.find({}, { sort: [['name', 1]] });
    return docs.map(fromDocument);
  }

  async update(group: Group, expectedRevision: number): Promise<void> {
    const before = await this.get(group.id);
    if (!before || before.revision !== expectedRevision) throw staleRevision(group.id);
    const renamed = before.name !== group.name;
    if (renamed) await this.claimName(group.name, group.id);
    const replaced = await this.groups.replaceOne({ _id: group.id, revision: expectedRevision }, toDocument(group));
    if (!replaced) {
      if (renamed) await this.names.deleteOne({ _id: group.name, groupId: group.id });
      throw staleRevision(group.id);
    }
    if (renamed) await this.names.deleteOne({ _id: before.name, groupId: group.id });
  }

  async delete(id: string): Promise<boolean> {
    const group = await this.get(id);
    if (!group) return false;
    const deleted = await this.groups.deleteOne({ _id: id });
    await this.names.deleteOne({ _id: group.name, groupId: id });
    return deleted;
  }

  private async claimName(name: string, groupId: string): Promise<void> {
    try {
      await this.names.insertOne({ _id: name, groupId });
      return;
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
    }
    const claim = await this.names.findOne({ _id: name });
    const holder = typeof claim?.groupId === 'string' ? await this.groups.findOne({ _id: claim.groupId }) : null;
    if (holder && holder.name === name) throw new ConflictError(`a group named "${name}" already exists`, { kind: 'already-exists', subject: `group ${name}` });
    // A claim left by a write that did not finish: taken over, conditionally, so of two writers one wins.
    const taken = await this.names.updateOne({ _id: name, groupId: claim?.groupId }, { set: { groupId } });
    if (!taken) throw new ConflictError(`a group named "${name}" already exists`, { kind: 'already-exists', subject: `group ${name}` });
  }
}

function staleRevision(id: string): ConflictError {
  return new ConflictError(`group ${id} changed meanwhile; read it again`, { kind: 'concurrent-write', subject: `group ${id}` });
}

function toDocument(group: Group): StoredDocument {
  const { id, ...rest } = group;
  return withoutUndefined({ _id: id, ...rest });
}

function fromDocument(doc: StoredDocument): Group {
  const { _id, ...rest } = doc;
  return { id: _id, ...(rest as Omit<Group, 'id'>) };
}
