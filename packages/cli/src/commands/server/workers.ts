/**
 * `mlflow-ts server --workers N`: N processes sharing one port (node:cluster; the primary accepts and hands
 * connections round-robin). Each worker is a whole server over the same SQL database, so they serve one
 * consistent store. The primary prints one "listening" line once every worker listens, forwards SIGTERM/SIGINT
 * for a graceful stop, and replaces a worker that dies.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { UsageError } from '../../usage-error.js';

export interface WorkerReady {
  type: 'mlflow-ts-listening';
  httpPort: number;
  grpcPort: number | undefined;
}

export const isClusterWorker = (): boolean => cluster.isWorker;

/** In a worker: tells the primary this worker listens. */
export function reportListening(httpPort: number, grpcPort: number | undefined): void {
  const message: WorkerReady = { type: 'mlflow-ts-listening', httpPort, grpcPort };
  process.send?.(message);
}

/** In a worker whose server has shut down: drops the channel to the primary, so the process can exit. */
export function leaveCluster(): void {
  if (cluster.isWorker && process.connected) process.disconnect();
}

/**
 * In the primary: forks `count` workers (they rerun this command line), resolves `onReady` with the first
 * ports once all listen, and resolves when `signal` aborts and every worker has exited.
 */
export async function runPrimary(
  count: number,
  signal: AbortSignal,
  onReady: (r: WorkerReady) => void,
  log: (line: string) => void,
): Promise<void> {
  const workers = new Set<Worker>();
  let ready = 0;
  let stopping = false;
  let started: (() => void) | undefined;
  let failed: ((err: Error) => void) | undefined;
  const allListening = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  const fork = () => {
    const w = cluster.fork();
    workers.add(w);
    w.on('message', (m: WorkerReady) => {
      if (m?.type !== 'mlflow-ts-listening') return;
      ready++;
      if (ready === count) {
        onReady(m);
        started?.();
      }
    });
    w.on('exit', (code, sig) => {
      workers.delete(w);
      if (stopping) return;
      if (ready < count) {
        // A worker that fails before listening (bad database, port taken) fails the whole start.
        stopping = true;
        for (const other of workers) other.kill('SIGTERM');
        failed?.(new UsageError(`a server worker exited before listening (${sig ?? `exit code ${code}`})`));
        return;
      }
      log(`mlflow-ts server: worker ${w.process.pid} exited (${sig ?? `code ${code}`}); starting a new one`);
      fork();
    });
  };
  for (let i = 0; i < count; i++) fork();
  const stop = () => {
    stopping = true;
    for (const w of workers) w.kill('SIGTERM');
  };
  signal.addEventListener('abort', stop, { once: true });
  try {
    await allListening;
    if (!signal.aborted)
      await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  } finally {
    stop();
    await Promise.all(
      [...workers].map(
        (w) =>
          new Promise<void>((done) => {
            if (w.isDead()) done();
            else w.once('exit', () => done());
          }),
      ),
    );
  }
}
