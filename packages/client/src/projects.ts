/**
 * `run()`: MLflow's `mlflow.projects.run` for Node — run an MLflow project (a local directory or a git
 * URI, `#subdir` allowed) as a tracked run. Called from inside an active run (e.g. an entry point that
 * did `startRun()`), the new run is nested under it (`mlflow.parentRunId`), which is how multistep
 * workflows and hyperparameter searches are built:
 *
 *   await startRun({}, async () => {
 *     for (const lr of [0.01, 0.1]) await run('.', { entryPoint: 'main', parameters: { lr } });
 *   });
 *
 * By default it waits and throws when the run fails; `synchronous: false` returns the handle at once
 * (`wait()`, `cancel()`, `runId`, `getStatus()`). `useCache: true` returns the newest FINISHED run of
 * the experiment with the same entry point, source, git commit and parameters instead of running again.
 */
import { runProject, type RunProjectOptions } from './projects/run-project.js';
import type { SubmittedRun } from './projects/submitted-run.js';

export function run(uri: string, options: RunProjectOptions = {}): Promise<SubmittedRun> {
  return runProject(uri, options);
}
