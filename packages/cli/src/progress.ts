/**
 * Transfer progress for `artifacts log|download`: a cli-progress bar on stderr, drawn only when stderr
 * is a terminal and the transfer is large enough to be worth watching (scripts and pipes see nothing).
 */
import cliProgress from 'cli-progress';
import type { ArtifactProgress } from '@mlflow-ts/client';
import type { CliIO } from './cli-context.js';

/** Transfers smaller than this finish before a bar would be readable. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

export interface ProgressHandle {
  onProgress: ArtifactProgress | undefined;
  stop(): void;
}

export function createProgress(io: CliIO, verb: 'upload' | 'download'): ProgressHandle {
  if (!io.stderrIsTTY) return { onProgress: undefined, stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  const onProgress: ArtifactProgress = (bytesDone, totalBytes) => {
    if (!bar) {
      if (totalBytes < PROGRESS_MIN_BYTES) return;
      bar = new cliProgress.SingleBar(
        {
          format: `${verb} [{bar}] {percentage}% | {value}/{total} bytes`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(totalBytes, 0);
    }
    bar.setTotal(totalBytes);
    bar.update(bytesDone);
  };
  return {
    onProgress,
    stop: () => bar?.stop(),
  };
}
