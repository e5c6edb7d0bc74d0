import { DuplicateKeyError, type DocumentCollection } from '../documents/document-collection';

/** Named leases: which pod does a periodic work (a re-evaluation, a rollup) until when. */
export interface LeaseRepository {
  /**
   * Takes or renews the lease `name` for `owner` until `expiresAt`: true when `owner` holds it now. Of two pods taking
   * an expired lease at once, at most one is answered true.
   */
  acquire(name: string, owner: string, now: number, expiresAt: number): Promise<boolean>;
  /** Gives the lease up (a pod shutting down), when `owner` holds it, so another takes it at its next try. */
  release(name: string, owner: string): Promise<void>;
}

/**
 * Leases over DocumentCollection (SQLite or MongoDB; one document per lease, `_id` = its name), the way the rollout store leases a rollout's driver: a renewal
 * by the holder, a takeover conditional on the epoch read (of two pods one wins), then a read back, because a server
 * that does not isolate concurrent updates of one document (FerretDB 1.24) may let both takeovers match.
 */
export class DocumentLeases implements LeaseRepository {
  constructor(private readonly leases: DocumentCollection) {}

  async acquire(name: string, owner: string, now: number, expiresAt: number): Promise<boolean> {
    if (await this.leases.updateOne({ _id: name, owner }, { set: { expiresAt } })) return true;
    const current = await this.leases.findOne({ _id: name });
    if (!current) {
      try {
        await this.leases.insertOne({ _id: name, owner, expiresAt, epoch: 1 });
      } catch (error) {
        // Another pod created it first: it holds the lease.
        if (error instanceof DuplicateKeyError) return false;
        throw error;
      }
      return this.holds(name, owner);
    }
    if (typeof current.expiresAt === 'number' && current.expiresAt > now) return false;
    const epoch = typeof current.epoch === 'number' ? current.epoch : 0;
    const taken = await this.leases.updateOne({ _id: name, epoch, expiresAt: { $lte: now } }, { set: { owner, expiresAt, epoch: epoch + 1 } });
    return taken && this.holds(name, owner);
  }

  async release(name: string, owner: string): Promise<void> {
    await this.leases.updateOne({ _id: name, owner }, { set: { expiresAt: 0 } });
  }

  private async holds(name: string, owner: string): Promise<boolean> {
    const confirmed = await this.leases.findOne({ _id: name }, ['owner']);
    return confirmed?.owner === owner;
  }
}
