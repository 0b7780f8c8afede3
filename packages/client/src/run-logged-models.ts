/**
 * MLflow 3's `runs:/` artifact view (mlflow/store/artifact/runs_artifact_repo.py): a run's
 * `<name>/…` artifacts also include the files of the logged model `<name>` the run produced, so
 * `listArtifacts(run, 'model')` and `downloadArtifacts(run, 'model')` find a model logged the
 * MLflow 3 way as well as one an MLflow 2.x client put under the run's artifacts.
 */
/** The artifact location of the logged model `name` whose source run is `runId`, if any (format's one lookup). */
export { loggedModelLocationOfRun } from '@mlflow-ts/format';

/** `'model/sub/x'` → `['model', 'sub/x']`; the whole run (`''`) has no model part. */
export function splitModelPath(artifactPath: string | undefined): [string, string] | undefined {
  const p = (artifactPath ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return undefined;
  const i = p.indexOf('/');
  return i === -1 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
}
