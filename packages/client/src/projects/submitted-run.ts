/**
 * A launched project run (MLflow's `SubmittedRun`/`LocalSubmittedRun`): the entry point's process
 * and the MLflow run it reports to. When the process exits, the run is ended from its exit status —
 * FINISHED for 0, FAILED otherwise, KILLED when a signal ended it or `cancel()` was called — unless
 * the script already ended it itself with the same or a better-informed status (a script that ended
 * its run FINISHED and then exited non-zero is still recorded as FAILED).
 */
import type { ChildProcess } from 'node:child_process';
import type { RunStatus } from '@mlflow-ts/format';
import type { MlflowClient } from '../client.js';

export interface SubmittedRun {
  readonly runId: string;
  /** Resolves true when the run succeeded, after its final status is recorded. */
  wait(): Promise<boolean>;
  /** Stops the entry point (SIGTERM to its process group), records KILLED, resolves once it has exited. */
  cancel(): Promise<void>;
  /** RUNNING while the entry point runs, then its final status. */
  getStatus(): RunStatus;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const TERMINAL: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED'];

export function statusFromExit(exit: ExitInfo, cancelled: boolean): RunStatus {
  if (cancelled || exit.signal !== null) return 'KILLED';
  return exit.code === 0 ? 'FINISHED' : 'FAILED';
}

/** Records `status` unless the run already holds it, or the script ended it and the process succeeded. */
export async function endRunFromExit(client: MlflowClient, runId: string, status: RunStatus): Promise<void> {
  const current = (await client.getRun(runId)).info.status;
  if (current === status) return;
  if (TERMINAL.includes(current) && status === 'FINISHED') return;
  await client.setTerminated(runId, status);
}

export class LocalSubmittedRun implements SubmittedRun {
  private cancelled = false;
  private exit: ExitInfo | undefined;
  private readonly exited: Promise<ExitInfo>;
  private readonly done: Promise<RunStatus>;

  constructor(
    readonly runId: string,
    private readonly child: ChildProcess,
    client: MlflowClient,
    /** Called once the status is recorded (e.g. to log `=== Run … succeeded ===`). */
    onEnd?: (status: RunStatus, exit: ExitInfo) => void,
  ) {
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal }));
      child.on('error', () => resolve({ code: 127, signal: null }));
    });
    this.done = this.exited.then(async (exit) => {
      this.exit = exit;
      const status = statusFromExit(exit, this.cancelled);
      await endRunFromExit(client, runId, status);
      onEnd?.(status, exit);
      return status;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit code and signal, once the entry point has exited. */
  exitInfo(): Promise<ExitInfo> {
    return this.exited;
  }

  async wait(): Promise<boolean> {
    return (await this.done) === 'FINISHED';
  }

  /** Sends `signal` to the entry point's whole process group (the shell and what it started). */
  signal(signal: NodeJS.Signals): void {
    if (this.exit !== undefined || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        // already gone
      }
    }
  }

  /** Forwards a signal the caller received (Ctrl-C, SIGTERM): the run ends KILLED. */
  interrupt(signal: NodeJS.Signals): void {
    if (this.exit !== undefined) return;
    this.cancelled = true;
    this.signal(signal);
  }

  async cancel(): Promise<void> {
    if (this.exit === undefined) {
      this.cancelled = true;
      this.signal('SIGTERM');
    }
    await this.done;
  }

  getStatus(): RunStatus {
    if (this.exit === undefined) return 'RUNNING';
    return statusFromExit(this.exit, this.cancelled);
  }
}

/** A finished run reused by `useCache`: nothing to wait for. */
export class CompletedSubmittedRun implements SubmittedRun {
  constructor(
    readonly runId: string,
    private readonly status: RunStatus = 'FINISHED',
  ) {}
  async wait(): Promise<boolean> {
    return this.status === 'FINISHED';
  }
  async cancel(): Promise<void> {}
  getStatus(): RunStatus {
    return this.status;
  }
}
