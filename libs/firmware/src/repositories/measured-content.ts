import { createHash } from 'node:crypto';

import { LimitExceededError } from '@acs/platform';

import type { StoredContent } from './ports';

/**
 * The content's chunks as they pass to a store, hashed and counted on the way; LimitExceededError before a chunk
 * that would take it past `maxBytes` is passed on (so a store never holds more than the limit), an AbortError when
 * `signal` fires. `result()` is the size and SHA-256 once the iteration has ended.
 */
export function measuredContent(
  content: AsyncIterable<Uint8Array>,
  maxBytes: number,
  signal?: AbortSignal,
): { chunks: AsyncIterable<Uint8Array>; result(): StoredContent } {
  const hash = createHash('sha256');
  let size = 0;
  let sha256: string | undefined;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of content) {
      signal?.throwIfAborted();
      if (size + chunk.byteLength > maxBytes) throw fileTooLarge(maxBytes);
      size += chunk.byteLength;
      hash.update(chunk);
      yield chunk;
    }
    signal?.throwIfAborted();
    sha256 = hash.digest('hex');
  }
  return {
    chunks: chunks(),
    result: () => {
      if (sha256 === undefined) throw new Error('measuredContent: result() before the content ended');
      return { size, sha256 };
    },
  };
}

export function fileTooLarge(maxBytes: number): LimitExceededError {
  return new LimitExceededError(`the file is larger than the limit of ${maxBytes} bytes (ACS_FIRMWARE_MAX_FILE_BYTES)`, 'FILE_TOO_LARGE', { maxBytes: String(maxBytes) });
}

/** Content ids name files on disk and GridFS entries: letters, digits, `-` and `_` only. */
const CONTENT_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function checkContentId(id: string): void {
  if (!CONTENT_ID.test(id)) throw new Error(`not a content id: ${JSON.stringify(id)}`);
}
