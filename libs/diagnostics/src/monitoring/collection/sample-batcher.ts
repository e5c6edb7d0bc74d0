import { MAX_SAMPLES_PER_CALL, type IngestSamplesResult, type SampleInput } from '../usecases/ingest-samples.usecase';
import type { SampleIngest } from './collection-ports';

interface Waiting {
  samples: SampleInput[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Hands samples of many devices to IngestSamples together: a group commit. Samples that arrive while a call is in
 * flight wait and go with the next one (up to MAX_SAMPLES_PER_CALL); no timer, so a lone sample goes at once and a
 * busy consumer batches as much as it brings. `add` resolves once its samples are stored, so a consumer acknowledges
 * its event only then; a failed call rejects every caller of its batch (their events are redelivered).
 */
export class SampleBatcher {
  private readonly queue: Waiting[] = [];
  private running = false;
  private totals = { calls: 0, samples: 0, stored: 0 };

  constructor(
    private readonly ingest: SampleIngest,
    private readonly onResult: (result: IngestSamplesResult) => void = () => undefined,
  ) {}

  add(samples: SampleInput[]): Promise<void> {
    if (samples.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.queue.push({ samples, resolve, reject }));
    if (!this.running) void this.drain();
    return done;
  }

  /** Calls made, samples handed over and values stored since the start (the collection's figures). */
  stats(): { calls: number; samples: number; stored: number } {
    return { ...this.totals };
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch: Waiting[] = [];
        let count = 0;
        // A caller's samples are never split: its promise stands for all of them.
        while (this.queue.length > 0 && (batch.length === 0 || count + this.queue[0].samples.length <= MAX_SAMPLES_PER_CALL)) {
          const next = this.queue.shift()!;
          batch.push(next);
          count += next.samples.length;
        }
        try {
          const samples = batch.flatMap((waiting) => waiting.samples);
          for (let i = 0; i < samples.length; i += MAX_SAMPLES_PER_CALL) {
            const result = await this.ingest.execute({ samples: samples.slice(i, i + MAX_SAMPLES_PER_CALL) });
            this.totals.calls++;
            this.totals.samples += Math.min(MAX_SAMPLES_PER_CALL, samples.length - i);
            this.totals.stored += result.stored;
            this.onResult(result);
          }
          for (const waiting of batch) waiting.resolve();
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
