/**
 * The UI's only way to the server: MLflow's public REST API under `ajax-api/2.0/mlflow/` (relative to
 * the page, so the UI works behind a path prefix and in front of a real MLflow). Credentials, when a
 * server asks for them, live in sessionStorage and travel in the Authorization header, never in a URL.
 */

import type { ModelVersion } from './types.js';

const AUTH_KEY = 'mlflow-ts.authorization';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The endpoint does not exist on this server (an older MLflow, or a feature not built yet). */
  get isMissingEndpoint(): boolean {
    return (
      this.status === 404 &&
      (this.code === 'ENDPOINT_NOT_FOUND' || this.code === 'NOT_FOUND' || this.code === 'HTTP_404')
    );
  }
}

type AuthListener = () => void;
const authListeners = new Set<AuthListener>();

/** Called when a request was refused for lack of credentials (the app shows its sign-in form). */
export function onAuthRequired(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export function setCredentials(auth: { username: string; password: string } | { token: string } | null): void {
  if (!auth) sessionStorage.removeItem(AUTH_KEY);
  else if ('token' in auth) sessionStorage.setItem(AUTH_KEY, `Bearer ${auth.token}`);
  else sessionStorage.setItem(AUTH_KEY, `Basic ${btoa(`${auth.username}:${auth.password}`)}`);
}

function headers(extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { 'X-Requested-With': 'XMLHttpRequest', ...extra };
  const auth = sessionStorage.getItem(AUTH_KEY);
  if (auth) h.Authorization = auth;
  return h;
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

export function queryString(params: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) qs.append(k, String(item));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** The error a failed response carries (MLflow's `error_code` and `message` when the body has them). */
export async function failure(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error_code?: string; message?: string };
    if (body.error_code) code = body.error_code;
    if (body.message) message = body.message;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) for (const l of authListeners) l();
  return new ApiError(res.status, code, message);
}

/** A request to a path relative to the page (e.g. `ajax-api/2.0/mlflow/runs/get`). */
/** `ids` in consecutive slices of at most `size`, for endpoints that take a bounded list per request. */
export function inChunks<T>(ids: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks;
}

export async function request<T>(
  path: string,
  init: { method?: string; body?: unknown; query?: Query } = {},
): Promise<T> {
  const url = path + (init.query ? queryString(init.query) : '');
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: headers(init.body === undefined ? undefined : { 'Content-Type': 'application/json' }),
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

const MLFLOW = 'ajax-api/2.0/mlflow/';

export const api = {
  get: <T>(endpoint: string, query?: Query) => request<T>(MLFLOW + endpoint, { query }),
  post: <T>(endpoint: string, body: unknown) => request<T>(MLFLOW + endpoint, { method: 'POST', body }),
  patch: <T>(endpoint: string, body: unknown) => request<T>(MLFLOW + endpoint, { method: 'PATCH', body }),
  delete: <T>(endpoint: string, body: unknown) => request<T>(MLFLOW + endpoint, { method: 'DELETE', body }),
};

/** URL of a run artifact (MLflow's `get-artifact`), for <img src> and downloads. */
/** `model-versions/search`: one page of the versions that match `query.filter`. */
export function searchModelVersions(query: {
  filter: string;
  max_results: number;
  order_by?: string[];
}): Promise<ModelVersion[]> {
  return api
    .get<{ model_versions?: ModelVersion[] }>('model-versions/search', query)
    .then((r) => r.model_versions ?? []);
}

export function artifactUrl(runId: string, path: string): string {
  return `get-artifact${queryString({ path, run_uuid: runId })}`;
}

export function modelVersionArtifactUrl(name: string, version: string, path: string): string {
  return `model-versions/get-artifact${queryString({ path, name, version })}`;
}

/**
 * A response body's first `limit` bytes; the rest is never read (the stream is cancelled), so a
 * server that ignores Range costs no more than a ranged read. `more`: the body went on past `limit`.
 */
export async function readAtMost(res: Response, limit: number): Promise<{ bytes: Uint8Array; more: boolean }> {
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let more = false;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - total));
      total = limit;
      more = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    total += value.byteLength;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { bytes, more };
}

/** Fetches an artifact as text, at most `limit` bytes (a Range request; of a server that sends it all, the first bytes). */
export async function fetchArtifactText(url: string, limit = 1 << 20): Promise<{ text: string; truncated: boolean }> {
  const res = await fetch(url, { headers: headers({ Range: `bytes=0-${limit - 1}` }) });
  if (res.status === 416) return { text: '', truncated: false }; // an empty file: no byte 0 to range over
  if (!res.ok) throw await failure(res);
  const { bytes, more } = await readAtMost(res, limit);
  const size = /\/(\d+)$/.exec(res.headers.get('Content-Range') ?? '')?.[1];
  const truncated =
    more || (res.status === 206 && (size === undefined ? bytes.byteLength === limit : Number(size) > limit));
  return { text: new TextDecoder().decode(bytes), truncated };
}

export function authHeaders(): Record<string, string> {
  return headers();
}
