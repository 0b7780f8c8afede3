/**
 * While project runs started by this process are alive, SIGINT and SIGTERM sent to this process are
 * forwarded to each entry point's process group (which runs detached, so a signal meant for us does
 * not reach it twice); once every run has recorded KILLED, the signal is re-raised with its default
 * action, so the process still ends the way the signal asked. MLflow terminates asynchronous runs
 * when the launching process is interrupted in the same way.
 */
import type { LocalSubmittedRun } from './submitted-run.js';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const live = new Set<LocalSubmittedRun>();
let installed = false;
let handling = false;

function onSignal(signal: NodeJS.Signals): void {
  if (handling) return;
  handling = true;
  const runs = [...live];
  for (const run of runs) run.interrupt(signal);
  void Promise.allSettled(runs.map((r) => r.wait())).then(() => {
    uninstall();
    process.kill(process.pid, signal);
  });
}

function uninstall(): void {
  if (!installed) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  installed = false;
}

/** Tracks `run` until it has ended; forwards this process's SIGINT/SIGTERM to it meanwhile. */
export function forwardSignalsTo(run: LocalSubmittedRun): void {
  live.add(run);
  if (!installed) {
    for (const s of SIGNALS) process.on(s, onSignal);
    installed = true;
  }
  void run
    .wait()
    .catch(() => false)
    .finally(() => {
      live.delete(run);
      if (live.size === 0 && !handling) uninstall();
    });
}
