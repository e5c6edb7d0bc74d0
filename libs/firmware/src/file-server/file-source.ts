/** What the file server needs to know of a stored file to answer a download and its conditional and range headers. */
export interface ServedFile {
  size: number;
  /** Hex SHA-256 of the content; the file's strong ETag. */
  sha256: string;
  /** Epoch milliseconds of the last change; Last-Modified and If-Modified-Since work on its whole seconds. */
  updatedAt: number;
  name: string;
}

/** Inclusive byte offsets, as an HTTP Range names them. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The narrow view of the file store the file server reads through, so it does not depend on how files are kept
 * (GridFS in pods, files under the data directory in the standalone). `open` must return a stream that reads lazily
 * and honours backpressure, and that releases what it holds when destroyed: the server destroys it when the client
 * goes away.
 */
export interface FileSource {
  /** The file's description, or null when there is no such file. */
  stat(fileId: string): Promise<ServedFile | null>;
  /** The file's content, or the bytes of `range` only. */
  open(fileId: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
}
