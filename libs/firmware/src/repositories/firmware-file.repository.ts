import { withoutUndefined, type DocumentCollection, type DocumentFilter, type StoredDocument } from '@acs/platform';

import type { DeviceModel, FileTarget, FirmwareFile } from '../domain';
import type { FileQuery, FirmwareFileRepository, Page, Paged } from './ports';

/**
 * File metadata over a DocumentCollection, `_id` = file id. Targets are stored as they are and, for queries by
 * model, as `modelKeys` (an array every store indexes by element) and `anyModel`: MongoDB could match the targets
 * with $elemMatch, but the embedded store's filter subset has none.
 */
export class StoredFirmwareFileRepository implements FirmwareFileRepository {
  constructor(private readonly files: DocumentCollection) {}

  async insert(file: FirmwareFile): Promise<void> {
    await this.files.insertOne(toStoredFile(file));
  }

  async get(id: string): Promise<FirmwareFile | null> {
    const doc = await this.files.findOne({ _id: id });
    return doc ? fromStoredFile(doc) : null;
  }

  async list(query: FileQuery, page: Page): Promise<Paged<FirmwareFile>> {
    const filter = filterOf(query);
    const [docs, total] = await Promise.all([
      this.files.find(filter, { sort: [['createdAt', -1], ['_id', -1]], skip: page.skip, limit: page.limit }),
      this.files.count(filter),
    ]);
    return { items: docs.map(fromStoredFile), total };
  }

  async delete(id: string): Promise<boolean> {
    return this.files.deleteOne({ _id: id });
  }
}

function filterOf(query: FileQuery): DocumentFilter {
  const filter: DocumentFilter = {};
  if (query.fileType !== undefined && query.fileType !== '') filter.fileType = query.fileType;
  if (query.model) filter.$or = [{ anyModel: true }, { modelKeys: { $in: modelKeysMatching(query.model) } }];
  return filter;
}

/** Unambiguous whatever the characters of a product class or hardware version. */
function modelKey(...parts: string[]): string {
  return JSON.stringify(parts);
}

const ANY_HARDWARE = '*';

/** The keys a file stores for its targets. */
export function modelKeysOf(targets: readonly FileTarget[]): string[] {
  const keys = new Set<string>();
  for (const target of targets) {
    keys.add(modelKey(target.oui));
    keys.add(modelKey(target.oui, target.productClass));
    if (target.hardwareVersions.length === 0) keys.add(modelKey(target.oui, target.productClass, ANY_HARDWARE));
    for (const hardwareVersion of target.hardwareVersions) keys.add(modelKey(target.oui, target.productClass, hardwareVersion));
  }
  return [...keys];
}

/** The stored keys any of which marks a file as for `model` (its targets name it, or name it with any hardware). */
function modelKeysMatching(model: DeviceModel): string[] {
  if (model.productClass === undefined) return [modelKey(model.oui)];
  if (model.hardwareVersion === undefined) return [modelKey(model.oui, model.productClass)];
  return [modelKey(model.oui, model.productClass, model.hardwareVersion), modelKey(model.oui, model.productClass, ANY_HARDWARE)];
}

function toStoredFile(file: FirmwareFile): StoredDocument {
  const { id, ...rest } = file;
  return withoutUndefined({ _id: id, ...rest, modelKeys: modelKeysOf(file.targets), anyModel: file.targets.length === 0 });
}

function fromStoredFile(doc: StoredDocument): FirmwareFile {
  const targets = (doc.targets as FileTarget[] | undefined) ?? [];
  return {
    id: doc._id,
    name: String(doc.name ?? ''),
    fileType: String(doc.fileType ?? ''),
    targets: targets.map((target) => ({ oui: target.oui, productClass: target.productClass, hardwareVersions: [...(target.hardwareVersions ?? [])] })),
    softwareVersion: String(doc.softwareVersion ?? ''),
    notes: String(doc.notes ?? ''),
    size: Number(doc.size ?? 0),
    sha256: String(doc.sha256 ?? ''),
    createdAt: Number(doc.createdAt ?? 0),
    createdBy: String(doc.createdBy ?? ''),
  };
}
