import { MongoDocumentCollection, type MongoConnection, type ServiceCollections } from '@acs/infra-mongo';
import type { mongo } from 'mongoose';

import type { StoredDocument } from '@acs/platform';
import { DocumentRolloutStore } from './document-rollout-store';
import type { RolloutCollectionDefinitions } from './rollout-collections.schema';

/**
 * The rollout store on the process's MongoDB connection, in the collections the service declared with
 * defineRolloutCollections. Attaching registers the service's collections (and builds the indexes with autoIndex
 * on). Closing it leaves the shared connection open: the app owns it.
 */
export async function openMongoRolloutStore(connection: MongoConnection, registry: ServiceCollections, definitions: RolloutCollectionDefinitions): Promise<DocumentRolloutStore> {
  const models = await registry.attach(connection);
  const collectionOf = (definition: RolloutCollectionDefinitions['rollouts']) =>
    new MongoDocumentCollection(models.model(definition).collection as unknown as mongo.Collection<StoredDocument>);
  return new DocumentRolloutStore({ rollouts: collectionOf(definitions.rollouts), targets: collectionOf(definitions.targets), observations: collectionOf(definitions.observations) });
}
