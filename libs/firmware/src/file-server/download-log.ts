import type { ByteRange } from './file-source';

/**
 * How a download request ended:
 * - `completed`: every byte asked for was handed to the connection;
 * - `failed`: cut before that (the client went away, stalled past the idle timeout, or the store failed);
 * - `refused`: not served (credentials, signature, limits); `reason` says why;
 * - `not-modified`: a conditional GET answered 304.
 */
export type DownloadOutcome = 'completed' | 'failed' | 'refused' | 'not-modified';

/** One download request, as the file server saw it. */
export interface DownloadRecord {
  fileId: string;
  /** The device the credentials or signature name; absent when the request named none. */
  deviceId?: string;
  /** Bytes of the body handed to the connection. */
  bytes: number;
  durationMs: number;
  outcome: DownloadOutcome;
  /** Why a download failed or was refused (the reason label of the metrics). */
  reason?: string;
  /** The bytes asked for, when the request was a range (a resumed download). */
  range?: ByteRange;
  /** The HTTP status answered. */
  status: number;
}

/**
 * Where every download is recorded, for the firmware service to store or publish (per device: bytes, duration,
 * outcome). Called once per GET of a file, never for HEAD, and never for a request without credentials (that is the
 * first half of every Digest exchange). The server does not wait for it, and a failure of it loses the record only.
 */
export interface DownloadLog {
  record(entry: DownloadRecord): void | Promise<void>;
}
