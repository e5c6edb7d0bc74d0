import { join, resolve } from 'node:path';

import { DocumentLeases } from '@acs/platform';
import { openSqliteRolloutStore } from '@acs/rollout';
import { closeSqliteStore, openSqliteDatabase, SqliteCollection, sqliteIndexesOf, SqliteWriteBatcher, type SqliteDatabase } from '@acs/infra-sqlite';

import { explicitMemberCollection, groupCollection, groupNameCollection, jobCollection, leaseCollection, memberCollection } from './grouping-collections.schema';
import { StoredGroupRepository } from './group.repository';
import { StoredJobRepository } from './job.repository';
import { StoredMembershipRepository } from './membership.repository';
import type { GroupingStore } from './ports';

export const GROUPING_DATABASE_FILE = 'grouping.sqlite';

export interface SqliteGroupingStoreOptions {
  /** ACS_DATA_DIR: the database is `grouping.sqlite` in it. */
  dataDir: string;
  cacheMiB?: number;
  /** ACS_STORE_SYNC: `normal` survives a process kill, `full` also a power cut. */
  synchronous?: 'normal' | 'full';
}

export interface SqliteGroupingStore extends GroupingStore {
  readonly database: SqliteDatabase;
}

/** The grouping service's store in the standalone: `grouping.sqlite`, indexes taken from the MongoDB declarations. */
export function openSqliteGroupingStore(options: SqliteGroupingStoreOptions): SqliteGroupingStore {
  const database = openSqliteDatabase(join(resolve(options.dataDir), GROUPING_DATABASE_FILE), { cacheMiB: options.cacheMiB, synchronous: options.synchronous });
  const writes = new SqliteWriteBatcher(database);
  const shared = { prefix: 'grouping', writes };
  const collection = (definition: typeof groupCollection) => new SqliteCollection(database, { name: definition.name, indexes: sqliteIndexesOf(definition) }, shared);
  const rollouts = openSqliteRolloutStore({ database, writes, prefix: 'grouping' });
  let closed = false;
  return {
    database,
    groups: new StoredGroupRepository(collection(groupCollection), collection(groupNameCollection)),
    members: new StoredMembershipRepository(collection(memberCollection)),
    explicitMembers: new StoredMembershipRepository(collection(explicitMemberCollection)),
    leases: new DocumentLeases(collection(leaseCollection)),
    jobs: new StoredJobRepository(collection(jobCollection)),
    rollouts,
    close: async () => {
      if (closed) return;
      closed = true;
      await rollouts.close();
      closeSqliteStore(database, writes);
    },
  };
}
