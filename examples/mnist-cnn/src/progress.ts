/** A tfjs callback drawing one cli-progress bar on stderr across all epochs' batches. */
import { Presets, SingleBar } from 'cli-progress';
import * as tf from '@tensorflow/tfjs';

/** Batch logs reach a Callback as scalars still on the backend, unlike the numbers epoch logs hold. */
function format(v: number | tf.Tensor | undefined, digits: number): string {
  const n = typeof v === 'number' ? v : v instanceof tf.Tensor ? v.dataSync()[0] : undefined;
  return n === undefined ? '-' : n.toFixed(digits);
}

export class ProgressBarCallback extends tf.Callback {
  private readonly bar: SingleBar;
  private epoch = 0;

  constructor(
    private readonly totalBatches: number,
    private readonly epochs: number,
    stream: NodeJS.WritableStream = process.stderr,
  ) {
    super();
    this.bar = new SingleBar(
      {
        stream,
        format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {value}/{total} batches | loss {loss} | acc {acc}',
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: 5000,
      },
      Presets.shades_classic,
    );
  }

  override async onTrainBegin(): Promise<void> {
    this.bar.start(this.totalBatches, 0, { epoch: 1, epochs: this.epochs, loss: '-', acc: '-' });
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
  }

  override async onBatchEnd(_batch: number, logs?: Record<string, number | tf.Tensor>): Promise<void> {
    const loss = format(logs?.loss, 4);
    const acc = format(logs?.acc, 3);
    this.bar.increment(1, { epoch: this.epoch + 1, loss, acc });
  }

  override async onTrainEnd(): Promise<void> {
    this.bar.stop();
  }
}
