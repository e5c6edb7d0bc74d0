import type { ByteRange } from '../file-server/file-source';
import type { Readable } from 'node:stream';

import type { RolloutStore } from '@acs/rollout';

import type { Campaign, CampaignSelection, CampaignStatus, DeviceModel, FirmwareFile } from '../domain';

// Listings page alike in every service; the repositories' importers keep taking the types from here.
import type { Page, Paged } from '@acs/platform';
export type { Page, Paged };

export interface FileQuery {
  /** Only files of this TR-069 FileType. */
  fileType?: string;
  /** Only files for this model (and files for any model). */
  model?: DeviceModel;
}

/** The metadata of the files (`firmwareFiles`). */
export interface FirmwareFileRepository {
  /** DuplicateKeyError (@acs/platform) when the id is taken. */
  insert(file: FirmwareFile): Promise<void>;
  get(id: string): Promise<FirmwareFile | null>;
  /** Newest first (then by id, so pages do not shuffle files uploaded in one millisecond). */
  list(query: FileQuery, page: Page): Promise<Paged<FirmwareFile>>;
  /** Whether it existed. */
  delete(id: string): Promise<boolean>;
}

/** What writing a file's content established. */
export interface StoredContent {
  size: number;
  /** Lowercase hex. */
  sha256: string;
}

/** A byte range of content, both ends inclusive (as HTTP's Range). */
// One byte-range type for the store and the file server that reads from it.
export type { ByteRange } from '../file-server/file-source';

/**
 * Where files' content lives: files under the data directory (standalone), GridFS (pods). One contract
 * (testing/file-content-store.contract.ts) for both.
 */
export interface FileContentStore {
  /**
   * Streams `content` into the store under `id`, computing its size and SHA-256 on the way. Fails with
   * LimitExceededError past `maxBytes` (reading no further than that), with the source's error when it fails, and
   * with an AbortError when `signal` fires; in every failure nothing of `id` is left behind. DuplicateKeyError when
   * `id` already has content.
   */
  write(id: string, content: AsyncIterable<Uint8Array> | Readable, options: { maxBytes: number; signal?: AbortSignal }): Promise<StoredContent>;
  /** The content, or the bytes of `range`; null when `id` has none. A range past the end is cut at the end. */
  read(id: string, range?: ByteRange): Promise<Readable | null>;
  /** Whether there was content to delete. */
  delete(id: string): Promise<boolean>;
  /** Ids with content: for the health check and for finding content no metadata names (an upload cut by a crash). */
  ids(): Promise<string[]>;
}

/**
 * Which campaigns that have not ended use a file (so it may not be deleted). The campaigns part of the service owns
 * the answer; until it exists the answer is read from the `firmwareCampaigns` collection it will write.
 */
export interface FileUsage {
  campaignsUsing(fileId: string): Promise<string[]>;
}

/** The campaigns (`firmwareCampaigns`); their targets are the rollout's (RolloutStore). */
export interface CampaignRepository {
  /** DuplicateKeyError (@acs/platform) when the id is taken. */
  insert(campaign: Campaign): Promise<void>;
  get(id: string): Promise<Campaign | null>;
  /** Newest first. */
  list(page: Page): Promise<Paged<Campaign>>;
  setStatus(id: string, status: CampaignStatus): Promise<void>;
  setSelection(id: string, selection: CampaignSelection): Promise<void>;
}

/** The firmware service's persistence, as the module and the use cases take it. */
export interface FirmwareStore {
  files: FirmwareFileRepository;
  content: FileContentStore;
  usage: FileUsage;
  campaigns: CampaignRepository;
  /** The campaigns' rollouts and targets (`firmware.rollouts`, `firmware.rolloutTargets`), in the same store. */
  rollouts: RolloutStore;
  close(): Promise<void>;
}
