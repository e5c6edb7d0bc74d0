import { DuplicateKeyError, type DocumentCollection } from '@acs/platform';

import type { MemberPage, MembershipRepository } from './ports';

/** A pair's document id: one document per (group, device). Group ids hold no `:`. */
export function membershipId(groupId: string, deviceId: string): string {
  return `${groupId}:${deviceId}`;
}

/** (group, device) pairs over DocumentCollection, on the indexes declared in grouping-collections.schema.ts. */
export class StoredMembershipRepository implements MembershipRepository {
  constructor(private readonly pairs: DocumentCollection) {}

  async add(groupId: string, deviceId: string, since: number): Promise<boolean> {
    try {
      await this.pairs.insertOne({ _id: membershipId(groupId, deviceId), groupId, deviceId, since });
      return true;
    } catch (error) {
      if (error instanceof DuplicateKeyError) return false;
      throw error;
    }
  }

  remove(groupId: string, deviceId: string): Promise<boolean> {
    return this.pairs.deleteOne({ _id: membershipId(groupId, deviceId) });
  }

  async has(groupId: string, deviceId: string): Promise<boolean> {
    return (await this.pairs.findOne({ _id: membershipId(groupId, deviceId) }, ['_id'])) !== null;
  }

  async members(groupId: string, options: { after: string; limit: number }): Promise<MemberPage> {
    if (options.limit <= 0) return { deviceIds: [], next: '' };
    const filter = options.after === '' ? { groupId } : { groupId, deviceId: { $gt: options.after } };
    const docs = await this.pairs.find(filter, { projection: ['deviceId'], sort: [['deviceId', 1]], limit: options.limit });
    const deviceIds = docs.map((doc) => doc.deviceId as string);
    return { deviceIds, next: deviceIds.length === options.limit ? deviceIds[deviceIds.length - 1] : '' };
  }

  count(groupId: string): Promise<number> {
    return this.pairs.count({ groupId });
  }

  async groupsOf(deviceId: string): Promise<string[]> {
    const docs = await this.pairs.find({ deviceId }, { projection: ['groupId'], sort: [['groupId', 1]] });
    return docs.map((doc) => doc.groupId as string);
  }

  removeGroup(groupId: string): Promise<number> {
    return this.pairs.deleteMany({ groupId });
  }

  removeDevice(deviceId: string): Promise<number> {
    return this.pairs.deleteMany({ deviceId });
  }
}
