import { MongoDocumentCollection, type MongoConnection } from '@acs/infra-mongo';
import { DocumentLeases, type StoredDocument } from '@acs/platform';
import type { mongo } from 'mongoose';

import { openMongoRolloutStore } from '@acs/rollout';

import { explicitMemberCollection, groupCollection, groupingCollections, groupingRolloutCollections, groupNameCollection, jobCollection, leaseCollection, memberCollection } from './grouping-collections.schema';
import { StoredGroupRepository } from './group.repository';
import { StoredJobRepository } from './job.repository';
import { StoredMembershipRepository } from './membership.repository';
import type { GroupingStore } from './ports';

/**
 * The grouping service's store on the process's MongoDB connection (`grouping.*`). `close()` leaves the shared
 * connection open: the app owns it.
 */
export async function openMongoGroupingStore(connection: MongoConnection): Promise<GroupingStore> {
  const models = await groupingCollections.attach(connection);
  const collectionOf = (definition: typeof groupCollection) =>
    new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  const rollouts = await openMongoRolloutStore(connection, groupingCollections, groupingRolloutCollections);
  return {
    groups: new StoredGroupRepository(collectionOf(groupCollection), collectionOf(groupNameCollection)),
    members: new StoredMembershipRepository(collectionOf(memberCollection)),
    explicitMembers: new StoredMembershipRepository(collectionOf(explicitMemberCollection)),
    leases: new DocumentLeases(collectionOf(leaseCollection)),
    jobs: new StoredJobRepository(collectionOf(jobCollection)),
    rollouts,
    close: async () => undefined,
  };
}
