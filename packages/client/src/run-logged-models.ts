/**
 * MLflow 3's `runs:/` artifact view (mlflow/store/artifact/runs_artifact_repo.py): a run's
 * `<name>/…` artifacts also include the files of the logged model `<name>` the run produced, so
 * `listArtifacts(run, 'model')` and `downloadArtifacts(run, 'model')` find a model logged the
 * MLflow 3 way as well as one an MLflow 2.x client put under the run's artifacts.
 */
import type { TrackingStore } from '@mlflow-ts/format';

/** A bound on the models of one name a lookup pages through. */
const MAX_MODELS = 10_000;

/** The artifact location of the logged model `name` whose source run is `runId`, if any. */
export async function loggedModelLocationOfRun(
  tracking: TrackingStore, experimentId: string, runId: string, name: string,
): Promise<string | undefined> {
  if (!tracking.searchLoggedModels || name === '' || /['\\]/.test(name)) return undefined;
  let token: string | undefined;
  let seen = 0;
  do {
    const page = await tracking.searchLoggedModels({
      experiment_ids: [experimentId], filter: `name = '${name}'`, ...(token ? { page_token: token } : {}),
    });
    const match = page.items.find((m) => m.info.source_run_id === runId);
    if (match) return match.info.artifact_uri;
    seen += page.items.length;
    token = page.next_page_token;
  } while (token && seen < MAX_MODELS);
  return undefined;
}

/** `'model/sub/x'` → `['model', 'sub/x']`; the whole run (`''`) has no model part. */
export function splitModelPath(artifactPath: string | undefined): [string, string] | undefined {
  const p = (artifactPath ?? '').replace(/^\/+|\/+$/g, '');
  if (p === '') return undefined;
  const i = p.indexOf('/');
  return i === -1 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
}
