/**
 * `registerModel`: MLflow's `mlflow.register_model` for a model logged in a run — the registered
 * model is created when missing, a version is created from the run's artifact location, and an
 * optional alias is pointed at it (all in `MlflowClient.registerModel`).
 */
import type { MlflowClient } from '@mlflow-ts/client';
import type { ModelVersion, RegisterModelVersionOptions } from '@mlflow-ts/format';

export type RegisterModelOptions = RegisterModelVersionOptions;

export async function registerModel(
  client: MlflowClient,
  name: string,
  runId: string,
  artifactPath: string,
  opts: RegisterModelOptions = {},
): Promise<ModelVersion> {
  return client.registerModel(`runs:/${runId}/${artifactPath.replace(/^\/+|\/+$/g, '')}`, name, opts);
}
