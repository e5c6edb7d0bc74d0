import {
  ConflictError,
  DuplicateKeyError,
  withoutUndefined,
  type DocumentCollection,
  type DocumentFilter,
  type DocumentSort,
  type DocumentUpdate,
  type StoredDocument,
} from '@acs/platform';

import type { Rollout, RolloutState, RolloutTarget, TargetState } from '../domain/rollout';
import type { RolloutChange, RolloutExpectation, RolloutObservation, RolloutStore, TargetChange, TargetExpectation, TargetOrder, TargetQuery } from './ports';

export interface RolloutCollections {
  rollouts: DocumentCollection;
  targets: DocumentCollection;
  /** Observations waiting for their rollout's driver. */
  observations: DocumentCollection;
  /** Closes what the opener opened (the SQLite database); nothing for a shared MongoDB connection. */
  close?: () => Promise<void>;
}

const INSERT_CHUNK = 32;

const ORDERS: Record<TargetOrder, DocumentSort> = {
  seq: [['seq', 1]],
  dueAt: [
    ['dueAt', 1],
    ['seq', 1],
  ],
  'decidedAt-desc': [['decidedAt', -1]],
};

/** A target's document id: one target per device and rollout. */
export function targetDocumentId(rolloutId: string, deviceId: string): string {
  return `${rolloutId}:${deviceId}`;
}

/**
 * The rollout store written once over DocumentCollection, opened on SQLite (the standalone) and MongoDB (pods) by
 * sqlite-rollout-store.ts and mongo-rollout-store.ts. Each change is one filtered update of one document, which both
 * stores apply atomically (FerretDB 1.24 excepted: ADR 6, docs/rollouts.md).
 */
export class DocumentRolloutStore implements RolloutStore {
  constructor(private readonly collections: RolloutCollections) {}

  async createRollout(rollout: Rollout): Promise<void> {
    try {
      await this.collections.rollouts.insertOne(withoutUndefined(toRolloutDocument(rollout)));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new ConflictError(`rollout ${rollout.id} already exists`, { kind: 'already-exists', subject: `rollout ${rollout.id}` });
      throw error;
    }
  }

  async getRollout(id: string): Promise<Rollout | null> {
    const doc = await this.collections.rollouts.findOne({ _id: id });
    return doc ? fromRolloutDocument(doc) : null;
  }

  async listRollouts(states: readonly RolloutState[], limit: number): Promise<Rollout[]> {
    const docs = await this.collections.rollouts.find({ state: { $in: [...states] } }, { limit, sort: [['_id', 1]] });
    return docs.map(fromRolloutDocument);
  }

  async updateRollout(id: string, expect: RolloutExpectation, change: RolloutChange): Promise<Rollout | null> {
    const filter: DocumentFilter = { _id: id };
    if (expect.states) filter.state = { $in: [...expect.states] };
    if (expect.revision !== undefined) filter.revision = expect.revision;
    if (expect.driverEpoch !== undefined) filter['driver.epoch'] = expect.driverEpoch;
    const set: Record<string, unknown> = withoutUndefined({ ...(change.set ?? {}) });
    if (change.set?.startsBySecond !== undefined) set.startsBySecond = toStoredStarts(change.set.startsBySecond);
    const update: DocumentUpdate = { set, unset: change.unset ?? [], inc: { revision: 1 } };
    const doc = await this.collections.rollouts.findOneAndUpdate(filter, update);
    return doc ? fromRolloutDocument(doc) : null;
  }

  async acquireDriver(id: string, owner: string, now: number, expiresAt: number): Promise<Rollout | null> {
    const renewed = await this.collections.rollouts.findOneAndUpdate({ _id: id, 'driver.owner': owner }, { set: { 'driver.expiresAt': expiresAt }, inc: { revision: 1 } });
    if (renewed) return fromRolloutDocument(renewed);
    const current = await this.collections.rollouts.findOne({ _id: id });
    if (!current) return null;
    const driver = current.driver as Rollout['driver'];
    if (driver && driver.expiresAt > now) return null;
    // Conditional on the epoch read: of two pods taking over an expired driver at once, one wins.
    const epoch = driver?.epoch ?? 0;
    const taken = await this.collections.rollouts.findOneAndUpdate(
      driver ? { _id: id, 'driver.epoch': epoch, 'driver.expiresAt': { $lte: now } } : { _id: id, driver: { $exists: false } },
      { set: { driver: { owner, expiresAt, epoch: epoch + 1 } }, inc: { revision: 1 } },
    );
    if (!taken) return null;
    // Read back: on a server that does not isolate concurrent updates of one document (FerretDB 1.24) two takeovers
    // may both match, and the later write wins; the pod that reads another's name steps back.
    const confirmed = await this.collections.rollouts.findOne({ _id: id });
    return confirmed && (confirmed.driver as Rollout['driver'])?.owner === owner ? fromRolloutDocument(confirmed) : null;
  }

  async reserveSeq(id: string, count: number): Promise<number> {
    const doc = await this.collections.rollouts.findOneAndUpdate({ _id: id }, { inc: { nextSeq: count } }, ['nextSeq']);
    if (!doc) throw new ConflictError(`rollout ${id} does not exist`, { kind: 'precondition', subject: `rollout ${id}` });
    return (doc.nextSeq as number) - count;
  }

  async insertTargets(targets: readonly RolloutTarget[]): Promise<number> {
    let inserted = 0;
    // The port has no bulk insert; a few dozen inserts in flight keep a MongoDB round trip from pacing a large batch.
    for (let first = 0; first < targets.length; first += INSERT_CHUNK) {
      const results = await Promise.all(
        targets.slice(first, first + INSERT_CHUNK).map(async (target) => {
          try {
            await this.collections.targets.insertOne(withoutUndefined({ _id: targetDocumentId(target.rolloutId, target.deviceId), ...target }));
            return 1;
          } catch (error) {
            if (error instanceof DuplicateKeyError) return 0;
            throw error;
          }
        }),
      );
      inserted += results.reduce((sum: number, one) => sum + one, 0);
    }
    return inserted;
  }

  async getTarget(rolloutId: string, deviceId: string): Promise<RolloutTarget | null> {
    const doc = await this.collections.targets.findOne({ _id: targetDocumentId(rolloutId, deviceId) });
    return doc ? fromTargetDocument(doc) : null;
  }

  async findTargets(query: TargetQuery, options: { order: TargetOrder; limit: number; skip?: number }): Promise<RolloutTarget[]> {
    const states = query.states ?? [];
    if (options.order === 'seq' && states.length > 1 && !options.skip) {
      // SQLite cannot read `state IN (…) ORDER BY seq` off {rolloutId, state, seq} in order: it would walk
      // {rolloutId, seq} and test each target's state, passing over every target of the other states. One range per
      // state, merged, reads at most `limit` targets of each (MongoDB merges the same ranges itself, SORT_MERGE).
      // A target that moved between two of the states while they were read shows once.
      const perState = await Promise.all(states.map((state) => this.findTargets({ ...query, states: [state] }, { order: 'seq', limit: options.limit })));
      const bySeq = new Map(perState.flat().map((target) => [target.seq, target]));
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(0, options.limit);
    }
    const docs = await this.collections.targets.find(targetFilter(query), { sort: ORDERS[options.order], limit: options.limit, skip: options.skip });
    return docs.map(fromTargetDocument);
  }

  countTargets(query: TargetQuery): Promise<number> {
    return this.collections.targets.count(targetFilter(query));
  }

  async findTargetsOfDevice(deviceId: string, states: readonly TargetState[]): Promise<RolloutTarget[]> {
    const docs = await this.collections.targets.find({ deviceId, state: { $in: [...states] } }, { limit: 100 });
    return docs.map(fromTargetDocument);
  }

  async updateTarget(rolloutId: string, deviceId: string, expect: TargetExpectation, change: TargetChange): Promise<RolloutTarget | null> {
    const filter: DocumentFilter = { _id: targetDocumentId(rolloutId, deviceId) };
    filter.state = typeof expect.state === 'string' ? expect.state : { $in: [...expect.state] };
    if (expect.attempts !== undefined) filter.attempts = expect.attempts;
    if (expect.owner !== undefined) filter.owner = expect.owner;
    if (expect.dueBy !== undefined) filter.dueAt = { $lte: expect.dueBy };
    const update: DocumentUpdate = {
      set: withoutUndefined({ ...(change.set ?? {}) }) as Record<string, unknown>,
      unset: change.unset ?? [],
      inc: change.incAttempts ? { attempts: 1 } : {},
    };
    const doc = await this.collections.targets.findOneAndUpdate(filter, update);
    return doc ? fromTargetDocument(doc) : null;
  }

  async postObservation(observation: RolloutObservation): Promise<void> {
    const { id, ...rest } = observation;
    try {
      await this.collections.observations.insertOne({ _id: id, ...rest });
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw new ConflictError(`observation ${id} already exists`, { kind: 'already-exists', subject: `observation ${id}` });
      throw error;
    }
  }

  async findObservations(rolloutId: string, limit: number): Promise<RolloutObservation[]> {
    const docs = await this.collections.observations.find({ rolloutId }, { sort: [['at', 1], ['_id', 1]], limit });
    return docs.map(({ _id, ...rest }) => ({ id: _id, ...(rest as Omit<RolloutObservation, 'id'>) }));
  }

  deleteObservation(id: string): Promise<boolean> {
    return this.collections.observations.deleteOne({ _id: id });
  }

  async close(): Promise<void> {
    await this.collections.close?.();
  }
}

function targetFilter(query: TargetQuery): DocumentFilter {
  const filter: DocumentFilter = { rolloutId: query.rolloutId };
  if (query.states) filter.state = query.states.length === 1 ? query.states[0] : { $in: [...query.states] };
  if (query.wave !== undefined) filter.wave = query.wave;
  if (query.dueBy !== undefined) filter.dueAt = { $lte: query.dueBy };
  if (query.decidedSince !== undefined) filter.decidedAt = { $gte: query.decidedSince };
  if (query.startedSince !== undefined) filter.startedAt = { $gte: query.startedSince };
  if (query.seqAfter !== undefined) filter.seq = { $gt: query.seqAfter };
  return filter;
}

function toRolloutDocument(rollout: Rollout): StoredDocument {
  const { id, startsBySecond, ...rest } = rollout;
  return { _id: id, ...rest, startsBySecond: toStoredStarts(startsBySecond) };
}

function fromRolloutDocument(doc: StoredDocument): Rollout {
  const { _id, startsBySecond, ...rest } = doc;
  return { id: _id, ...(rest as Omit<Rollout, 'id' | 'startsBySecond'>), startsBySecond: fromStoredStarts(startsBySecond) };
}

/** One second of the starts record as stored: the second is a value, not a key. */
interface StoredStarts {
  second: number;
  starts: number;
}

/**
 * The starts record is stored as a list of seconds, not as the map the engine keeps: FerretDB 1.24 takes a `$set` of
 * a map whose values equal the stored map's, keys aside, for no change — at one start a second the record stopped
 * moving on and the limit let more than its starts per minute through. A list holds each second as a value.
 */
function toStoredStarts(record: Record<string, number>): StoredStarts[] {
  return Object.entries(record).map(([second, starts]) => ({ second: Number(second), starts }));
}

/** Reads both forms: the list, and the map that rollouts stored before. */
function fromStoredStarts(stored: unknown): Record<string, number> {
  if (!Array.isArray(stored)) return { ...((stored ?? {}) as Record<string, number>) };
  return Object.fromEntries((stored as StoredStarts[]).map(({ second, starts }) => [String(second), starts]));
}

function fromTargetDocument(doc: StoredDocument): RolloutTarget {
  const { _id: _ignored, ...rest } = doc;
  return rest as unknown as RolloutTarget;
}
