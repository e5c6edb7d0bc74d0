import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { reserveAll, type BandwidthLimiter } from './bandwidth-limiter';

const BLOCK_BYTES = 1024 * 1024;

// One random block for the process, drawn at first use: chunks are views into it, so a download of any size allocates
// nothing per byte, and since the block is far larger than deflate's 32 KiB window, nothing on the path (a proxy, the
// CPE's own gzip) can compress the payload into a shorter one and make the measured throughput a lie.
let block: Buffer | undefined;
function payloadBlock(): Buffer {
  block ??= randomBytes(BLOCK_BYTES);
  return block;
}

/**
 * A download test's body: `size` bytes of the random block repeated, produced as the socket reads them (a Readable's
 * pull, so backpressure holds memory to the stream's buffer), each chunk first let through the bandwidth limiters.
 */
export class TestPayload extends Readable {
  private sent = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly size: number,
    private readonly limiters: readonly BandwidthLimiter[],
    private readonly chunkBytes = 64 * 1024,
  ) {
    super({ highWaterMark: chunkBytes });
  }

  override _read(): void {
    if (this.timer) return;
    if (this.sent >= this.size) {
      this.push(null);
      return;
    }
    const source = payloadBlock();
    const offset = this.sent % BLOCK_BYTES;
    const length = Math.min(this.chunkBytes, this.size - this.sent, BLOCK_BYTES - offset);
    const chunk = source.subarray(offset, offset + length);
    this.sent += length;
    const wait = reserveAll(this.limiters, length);
    if (wait <= 0) {
      this.push(chunk);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.destroyed) this.push(chunk);
    }, wait);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    callback(error);
  }
}
