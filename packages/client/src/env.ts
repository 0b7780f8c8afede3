/** The MLFLOW_* environment variables the client honours, read at call time (never at import). */
import type { StoreAuth } from './store-registry.js';
import { DEFAULT_TRACKING_URI } from './store-registry.js';

export type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export function trackingUriFromEnv(env: Env): string {
  return nonEmpty(env.MLFLOW_TRACKING_URI) ?? DEFAULT_TRACKING_URI;
}

export function authFromEnv(env: Env): StoreAuth | undefined {
  const auth: StoreAuth = {};
  const username = nonEmpty(env.MLFLOW_TRACKING_USERNAME);
  const password = nonEmpty(env.MLFLOW_TRACKING_PASSWORD);
  const token = nonEmpty(env.MLFLOW_TRACKING_TOKEN);
  if (username !== undefined) auth.username = username;
  if (password !== undefined) auth.password = password;
  if (token !== undefined) auth.token = token;
  return Object.keys(auth).length > 0 ? auth : undefined;
}

export function experimentNameFromEnv(env: Env): string | undefined {
  return nonEmpty(env.MLFLOW_EXPERIMENT_NAME);
}

export function experimentIdFromEnv(env: Env): string | undefined {
  return nonEmpty(env.MLFLOW_EXPERIMENT_ID);
}

export function runIdFromEnv(env: Env): string | undefined {
  return nonEmpty(env.MLFLOW_RUN_ID);
}
