/** The handle `startRun` returns: the run as it was when started, plus a shortcut to end it. */
import type { Run, RunData, RunInfo, RunStatus } from '@mlflow-ts/format';

export class ActiveRun {
  constructor(
    /** The run as the store returned it when the run was started or resumed. */
    readonly run: Run,
    private readonly ender: (run: ActiveRun, status: RunStatus) => Promise<void>,
  ) {}

  get info(): RunInfo {
    return this.run.info;
  }

  get data(): RunData {
    return this.run.data;
  }

  get runId(): string {
    return this.run.info.run_id;
  }

  /** Ends this run (and any runs nested in it that are still open). */
  end(status: RunStatus = 'FINISHED'): Promise<void> {
    return this.ender(this, status);
  }
}
