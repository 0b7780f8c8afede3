/**
 * The system tags MLflow's run-context providers add to every run started from the fluent API:
 * who ran it, from which script, and at which git commit.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { RUN_NAME_TAG } from '@mlflow-ts/format';

export const MLFLOW_USER = 'mlflow.user';
export const MLFLOW_SOURCE_NAME = 'mlflow.source.name';
export const MLFLOW_SOURCE_TYPE = 'mlflow.source.type';
export const MLFLOW_GIT_COMMIT = 'mlflow.source.git.commit';
/** The run-name tag (format's `RUN_NAME_TAG`), under the name MLflow's `mlflow_tags` gives it. */
export const MLFLOW_RUN_NAME: typeof RUN_NAME_TAG = RUN_NAME_TAG;
export const MLFLOW_PARENT_RUN_ID = 'mlflow.parentRunId';
export const MLFLOW_RUN_NOTE = 'mlflow.note.content';

export function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (e.g. an arbitrary uid in a container): fall back as Python's getpass does.
    return env.LOGNAME ?? env.USER ?? env.LNAME ?? env.USERNAME ?? 'unknown';
  }
}

/** HEAD of the git repository holding `cwd`, or undefined when there is none (or no git). */
export function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const sha = String(stdout ?? '').trim();
      resolve(!err && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined);
    });
  });
}

export async function resolveContextTags(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {
    [MLFLOW_USER]: currentUser(env),
    [MLFLOW_SOURCE_NAME]: process.argv[1] ? path.resolve(process.argv[1]) : '<console>',
    [MLFLOW_SOURCE_TYPE]: 'LOCAL',
  };
  const commit = await gitCommit(cwd);
  if (commit) tags[MLFLOW_GIT_COMMIT] = commit;
  return tags;
}
