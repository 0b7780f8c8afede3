/**
 * MLflow's REST API over global fetch, exactly as MLflow's own clients speak it (so it also works
 * against a real MLflow server): GET with query strings (repeated keys, 'true'/'false'), other
 * methods with a JSON body, NaN as "NaN". Retries connection errors, 429 and 503 with backoff.
 */
import { MlflowError, errorCodeForHttpStatus } from '@mlflow-ts/format';
import type { ErrorCode } from '@mlflow-ts/format';
import { coerceRequest, toMlflowJson } from '../protocol/json-codec.js';
import { OBJECT_OPTIONS, lookupType } from '../protocol/proto-root.js';
import { normalizeResponse } from '../protocol/normalize-message.js';
import { fillPath, pathParams, routeOf } from '../protocol/rpc-routes.js';
import type { ClientAuthOptions, Transport } from './transport.js';
import { authorizationHeader, backoffMs, sleep } from './transport.js';

export interface RestTransportOptions extends ClientAuthOptions {
  baseUrl: string;
  /** Retries on connection errors, 429 and 503 (default 4). */
  retries?: number;
}

export interface HttpClient {
  readonly baseUrl: string;
  /** fetch with auth headers and retries (only for bodies that can be re-sent). */
  fetch(path: string, init?: RequestInit & { retry?: boolean }): Promise<Response>;
}

const RETRY_STATUSES = new Set([429, 503]);

export function createHttpClient(opts: RestTransportOptions): HttpClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const auth = authorizationHeader(opts);
  const retries = opts.retries ?? 4;
  return {
    baseUrl,
    async fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (auth && !headers.has('authorization')) headers.set('authorization', auth);
      const attempts = init.retry === false ? 1 : retries + 1;
      for (let attempt = 0; ; attempt++) {
        let res: Response;
        try {
          res = await fetch(baseUrl + path, { ...init, headers });
        } catch (e) {
          if (attempt + 1 >= attempts) {
            throw new MlflowError(
              'TEMPORARILY_UNAVAILABLE',
              `Cannot reach MLflow server at ${baseUrl}: ${(e as Error).message}`,
              { cause: e },
            );
          }
          await sleep(backoffMs(attempt));
          continue;
        }
        if (RETRY_STATUSES.has(res.status) && attempt + 1 < attempts) {
          await res.body?.cancel();
          await sleep(backoffMs(attempt));
          continue;
        }
        return res;
      }
    },
  };
}

/** Turns a non-2xx answer into MlflowError (MLflow's `{error_code, message}` when present). */
export async function errorFromResponse(res: Response, what: string): Promise<MlflowError> {
  const text = await res.text();
  let code: ErrorCode = errorCodeForHttpStatus(res.status);
  let message = `${what} failed with HTTP ${res.status}: ${text.slice(0, 500)}`;
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    if (typeof body.error_code === 'string' && body.error_code) code = body.error_code as ErrorCode;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON: keep the status-derived code
  }
  return new MlflowError(code, message);
}

function queryString(json: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(json)) {
    for (const v of Array.isArray(value) ? value : [value])
      params.append(key, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export function createRestTransport(http: HttpClient): Transport {
  return {
    async call(name, request) {
      const { method, path } = routeOf(name).http[0]!;
      const requestType = lookupType(name);
      const responseType = lookupType(`${name}.Response`);
      // Checked like the server checks it, so a bad value fails here with MLflow's message.
      const json = toMlflowJson(requestType, coerceRequest(requestType, request));
      const url = `${routeOf(name).ajaxOnly ? '/ajax-api' : '/api'}/2.0/mlflow${fillPath(path, json)}`;
      // Path parameters travel in the path; a GET's query string does not repeat them.
      const query = Object.fromEntries(Object.entries(json).filter(([k]) => !pathParams(path).includes(k)));
      const res =
        method === 'GET'
          ? await http.fetch(url + queryString(query), { method })
          : await http.fetch(url, {
              method,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(json),
            });
      if (!res.ok) throw await errorFromResponse(res, `${method} ${url}`);
      const text = await res.text();
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        throw new MlflowError('INTERNAL_ERROR', `${method} ${url} answered non-JSON: ${text.slice(0, 200)}`);
      }
      const obj = responseType.toObject(responseType.fromObject(body as object), OBJECT_OPTIONS);
      return normalizeResponse(responseType, obj);
    },
    async close() {},
  };
}
