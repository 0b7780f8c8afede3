/** What the tracking and registry clients need from a wire: one call per RPC of `RPC_ROUTES`. */
import type { Page } from '@mlflow-ts/format';
import type { RpcName } from '../protocol/rpc-routes.js';

export interface Transport {
  /** Sends the request object (snake_case, proto-shaped); resolves the normalised response. */
  call(name: RpcName, request: object): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface ClientAuthOptions {
  /** Bearer token (MLFLOW_TRACKING_TOKEN); takes precedence over username/password. */
  token?: string;
  username?: string;
  password?: string;
}

export function authorizationHeader(opts: ClientAuthOptions): string | undefined {
  if (opts.token) return `Bearer ${opts.token}`;
  if (opts.username !== undefined && opts.password !== undefined) {
    return `Basic ${Buffer.from(`${opts.username}:${opts.password}`, 'utf8').toString('base64')}`;
  }
  return undefined;
}

/** Exponential backoff with jitter: 100 ms, 200 ms, 400 ms, … capped at 5 s. */
export function backoffMs(attempt: number): number {
  const base = Math.min(5000, 100 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A search response (`{<key>: [...], next_page_token}`) as the store contract's Page. */
export function page<T>(res: Record<string, unknown>, key: string): Page<T> {
  const items = (res[key] as T[] | undefined) ?? [];
  const token = res.next_page_token as string | undefined;
  return token ? { items, next_page_token: token } : { items };
}
