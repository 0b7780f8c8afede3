/** What every RPC handler gets, and the request checks MLflow's handlers share. */
import { MlflowError } from '@mlflow-ts/format';
import type { ArtifactRepository, ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';
import type { RpcName } from '../protocol/rpc-routes.js';
import type { TraceRpcName } from '../protocol/trace-routes.js';
import type { Principal } from './auth.js';

export interface HandlerContext {
  tracking: TrackingStore;
  registry?: ModelRegistryStore;
  /** Repository for an artifact URI the server may touch (refuses URIs outside its roots). */
  artifactsFor(uri: string): ArtifactRepository;
  /** Roots a model-version source or experiment artifact location may point into. */
  allowedRoots: string[];
  /**
   * Authorises and runs one RPC for the caller (REST and gRPC alike); absent when auth is off.
   * `principal` is undefined for an unauthenticated call on a server without auth.
   */
  guard?: (name: GuardedRpc, req: Req, principal: Principal | undefined, run: () => Promise<object>) => Promise<object>;
}

/** What the authorizer rules on: the store RPCs and the trace RPCs (both transports). */
export type GuardedRpc = RpcName | TraceRpcName;

export type Req = Record<string, unknown>;
export type Handler = (ctx: HandlerContext, req: Req) => Promise<object>;

/** MLflow's `_assert_required`: missing or empty string is missing. */
export function required(req: Req, ...names: string[]): void {
  for (const name of names) {
    const v = req[name];
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
      throw MlflowError.invalidParameter(`Missing value for required parameter '${name}'.`);
    }
  }
}

/** Fields proto marks required whose value may legitimately be "" or 0 (tag/param values). */
export function present(req: Req, ...names: string[]): void {
  for (const name of names) {
    if (req[name] === undefined || req[name] === null)
      throw MlflowError.invalidParameter(`Missing value for required parameter '${name}'.`);
  }
}

/** `run_id`, or the legacy `run_uuid` the endpoints that accept it. */
export function runIdOf(req: Req): string {
  const id = (req.run_id || req.run_uuid) as string | undefined;
  if (!id) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
  return id;
}

export function str(req: Req, name: string): string | undefined {
  return req[name] as string | undefined;
}

export function num(req: Req, name: string): number | undefined {
  return req[name] as number | undefined;
}

export function list<T = string>(req: Req, name: string): T[] | undefined {
  return req[name] as T[] | undefined;
}

export function registryOf(ctx: HandlerContext): ModelRegistryStore {
  if (!ctx.registry) throw new MlflowError('NOT_IMPLEMENTED', 'This server has no model registry store.');
  return ctx.registry;
}

/**
 * A handler that checks its fields (`required`: MLflow's `_assert_required`; `present`: set, may be
 * empty), calls `op` with their values in that order, and answers `{ [answer]: result }` or MLflow's
 * empty Response.
 */
export function byFields<T>(
  fields: { required: string[]; present?: string[]; answer?: string },
  op: (ctx: HandlerContext, ...values: string[]) => Promise<T>,
): Handler {
  const names = [...fields.required, ...(fields.present ?? [])];
  return async (ctx, req) => {
    required(req, ...fields.required);
    if (fields.present) present(req, ...fields.present);
    const result = await op(ctx, ...names.map((n) => str(req, n)!));
    return fields.answer ? { [fields.answer]: result } : {};
  };
}

/** The filter and paging fields of a search request. */
export function searchArgs(req: Req) {
  return {
    filter: str(req, 'filter'),
    max_results: num(req, 'max_results'),
    order_by: list(req, 'order_by'),
    page_token: str(req, 'page_token'),
  };
}

/** A page as MLflow's search Response: the items under `key`, and the next page token. */
export function pageAnswer<T>(key: string, page: { items: T[]; next_page_token?: string }): object {
  return { [key]: page.items, next_page_token: page.next_page_token };
}
