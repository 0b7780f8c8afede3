/**
 * Buffers metrics logged in a tight loop and sends them as `logBatch` calls: a flush starts when
 * `maxBatch` metrics are queued or `flushIntervalMs` after the first queued one. A failed background
 * flush is remembered and rethrown by the next `add`/`flush`, so no error is silently dropped.
 */
import type { Metric } from '@mlflow-ts/format';

/** MLflow's log-batch limit on metrics per request. */
export const MAX_METRICS_PER_BATCH = 1000;

export interface MetricBufferOptions {
  maxBatch?: number;
  flushIntervalMs?: number;
}

export class MetricBuffer {
  private queue: Metric[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;

  constructor(
    private readonly send: (metrics: Metric[]) => Promise<void>,
    opts: MetricBufferOptions = {},
  ) {
    this.maxBatch = Math.min(opts.maxBatch ?? MAX_METRICS_PER_BATCH, MAX_METRICS_PER_BATCH);
    this.flushIntervalMs = opts.flushIntervalMs ?? 100;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Queues metrics; resolves once they are queued (or sent, when the queue was full). */
  async add(metrics: Metric[]): Promise<void> {
    this.throwFailure();
    this.queue.push(...metrics);
    if (this.queue.length >= this.maxBatch) {
      await this.drain();
      this.throwFailure();
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.drain(); // never rejects: a send error is kept and surfaced on the next call
      }, this.flushIntervalMs);
      // A pending timer must not keep the process alive; the beforeExit hook flushes instead.
      this.timer.unref?.();
    }
  }

  /** Sends everything queued so far; rejects with the first send error since the last flush. */
  async flush(): Promise<void> {
    await this.drain();
    this.throwFailure();
  }

  private drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Chain on the previous send so batches reach the store in log order.
    this.inFlight = this.inFlight.then(async () => {
      while (this.queue.length > 0 && this.failure === undefined) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.send(batch);
        } catch (e) {
          this.failure = e;
        }
      }
    });
    return this.inFlight;
  }

  private throwFailure(): void {
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      throw e;
    }
  }
}
