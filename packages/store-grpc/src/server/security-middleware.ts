/**
 * MLflow 3's security middleware (mlflow/server/security.py), for every route of this server:
 *
 * - Host header validation against DNS rebinding: a page on `attacker.example` whose name later
 *   resolves to 127.0.0.1 sends `Host: attacker.example`, which is refused with 403. By default the
 *   server accepts `localhost`, loopback and private IP literals (any port) and the address it is
 *   bound to; `allowedHosts` (`--allowed-hosts`) replaces that list, `'*'` accepts every host.
 *   Unlike MLflow's `10.*` globs, IP defaults match IP literals only, so `10.attacker.example` is
 *   not mistaken for a private address.
 * - Cross-origin state changes: POST, PUT, DELETE and PATCH from a browser on another origin are
 *   refused with 403, whatever the Content-Type (simple `text/plain`, form and multipart uploads
 *   need no CORS preflight, so the browser would send them). Requests without `Origin` (curl,
 *   Python, Node clients) and from the same origin pass, as do localhost origins (MLflow allows
 *   them) and `corsAllowedOrigins` (`--cors-allowed-origins`), which also get CORS headers.
 * - `X-Content-Type-Options: nosniff` and `X-Frame-Options` (default SAMEORIGIN) on every answer.
 *
 * `/health` and `/version` skip the Host check, as in MLflow.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError, compileLikePattern } from '@mlflow-ts/format';
import { sendError } from './rest-api.js';

export interface SecurityOptions {
  /** Host header patterns (`*` wildcards; a pattern without a port matches any port); `['*']` = all. */
  allowedHosts?: string[];
  /** Origins (exact, or `*` wildcards) allowed to make cross-origin writes; `['*']` = all. */
  corsAllowedOrigins?: string[];
  /** DANGEROUS: no Host, Origin or header checks at all. */
  disableSecurityMiddleware?: boolean;
  /** `X-Frame-Options` value: SAMEORIGIN (default), DENY, or NONE for no header. */
  xFrameOptions?: string;
}

export const INVALID_HOST_MSG = 'Invalid Host header - possible DNS rebinding attack detected';
export const CORS_BLOCKED_MSG = 'Cross-origin request blocked';

const HEALTH_ENDPOINTS = new Set(['/health', '/version']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
const CORS_METHODS = 'GET, POST, PUT, DELETE, OPTIONS, PATCH';
const LOCALHOST_ORIGIN_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

type Matcher = (value: string) => boolean;

/** `*` is a wildcard, everything else literal, case-insensitive; linear time (no regex). */
function glob(pattern: string): Matcher {
  return compileLikePattern(pattern.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%'), true);
}

/** `host[:port]` → the host name (IPv6 keeps its brackets), lower-cased. */
function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

function ipv4(hostname: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** localhost, loopback and private-range IP literals (RFC 1918, RFC 4193), and 0.0.0.0. */
function isLocalOrPrivate(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]' || hostname === '[::]') return true;
  const v4 = ipv4(hostname);
  if (v4) {
    const [a, b] = v4 as [number, number, number, number];
    return (
      a === 127 || a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || v4.every((p) => p === 0)
    );
  }
  return /^\[f[cd][0-9a-f]{0,2}:[0-9a-f:.]*\]$/.test(hostname);
}

function hostMatcher(allowedHosts: string[] | undefined, bindHost: string): Matcher | null {
  if (allowedHosts?.includes('*')) return null;
  if (allowedHosts && allowedHosts.length > 0) {
    const matchers = allowedHosts.map((pattern) => {
      const p = pattern.trim().toLowerCase();
      const hasPort = p.startsWith('[') ? p.includes(']:') : p.includes(':');
      const m = glob(p);
      return hasPort ? m : (host: string) => m(hostnameOf(host));
    });
    return (host) => matchers.some((m) => m(host));
  }
  const bound = hostnameOf(bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost);
  return (host) => {
    const name = hostnameOf(host);
    return isLocalOrPrivate(name) || name === bound;
  };
}

function originMatcher(corsAllowedOrigins: string[] | undefined): Matcher {
  const matchers = (corsAllowedOrigins ?? []).map((o) => glob(o.trim().replace(/\/+$/, '')));
  return (origin) => matchers.some((m) => m(origin));
}

function first(header: string | string[] | undefined): string | undefined {
  return Array.isArray(header) ? header[0] : header;
}

export interface SecurityHooks {
  onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
  onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown>;
}

/** The hooks for one server, or null when the middleware is disabled. */
export function createSecurityHooks(
  options: SecurityOptions & { bindHost: string; log: (message: string) => void },
): SecurityHooks | null {
  if (options.disableSecurityMiddleware) return null;
  const hostAllowed = hostMatcher(options.allowedHosts, options.bindHost);
  const anyOrigin = options.corsAllowedOrigins?.includes('*') ?? false;
  const listedOrigin = originMatcher(options.corsAllowedOrigins);
  const xFrame = (options.xFrameOptions ?? 'SAMEORIGIN').toUpperCase();

  /** 'same' (same origin: no CORS headers needed), 'cors' (allowed cross-origin), or 'blocked'. */
  const judgeOrigin = (origin: string, host: string | undefined): 'same' | 'cors' | 'blocked' => {
    if (anyOrigin) return 'cors';
    if (origin === 'null') return 'blocked';
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return 'blocked';
    }
    if (host !== undefined && url.host === host.trim().toLowerCase()) return 'same';
    if (LOCALHOST_ORIGIN_HOSTS.has(url.hostname) || listedOrigin(origin.replace(/\/+$/, ''))) return 'cors';
    return 'blocked';
  };

  const blockOrigin = (reply: FastifyReply, origin: string | undefined, request: FastifyRequest) => {
    options.log(
      `Blocked cross-origin ${request.method} ${request.url.split('?')[0]} from ${origin ?? '(no Origin, Sec-Fetch-Site cross-site)'}`,
    );
    const hint =
      " Writes from a web page must come from this server's own origin or one listed in --cors-allowed-origins.";
    return sendError(
      reply,
      new MlflowError(
        'PERMISSION_DENIED',
        `${CORS_BLOCKED_MSG}: origin '${origin ?? 'unknown'}' may not change state on this server.${hint}`,
      ),
    );
  };

  return {
    async onRequest(request, reply) {
      const path = (request.raw.url ?? '').split('?')[0] ?? '';
      const host = first(request.headers.host);
      if (hostAllowed && !HEALTH_ENDPOINTS.has(path) && (host === undefined || !hostAllowed(host))) {
        options.log(`Rejected request with invalid Host header: ${host}`);
        return sendError(
          reply,
          new MlflowError(
            'PERMISSION_DENIED',
            `${INVALID_HOST_MSG}: Host '${host ?? ''}' is not an allowed host of this server. ` +
              'Start the server with --allowed-hosts (e.g. --allowed-hosts mlflow.example.com) to allow it.',
          ),
        );
      }
      const origin = first(request.headers.origin);
      const site = first(request.headers['sec-fetch-site']);
      const verdict = origin === undefined ? undefined : judgeOrigin(origin, host);
      if (verdict === 'cors') {
        reply.header('Access-Control-Allow-Origin', origin);
        reply.header('Access-Control-Allow-Credentials', 'true');
        reply.header('Vary', 'Origin');
      }
      if (request.method === 'OPTIONS' && first(request.headers['access-control-request-method']) !== undefined) {
        if (verdict === 'blocked') return blockOrigin(reply, origin, request);
        reply.header('Access-Control-Allow-Methods', CORS_METHODS);
        const wanted = first(request.headers['access-control-request-headers']);
        if (wanted) reply.header('Access-Control-Allow-Headers', wanted);
        reply.header('Access-Control-Max-Age', '600');
        return reply.code(204).send();
      }
      if (!STATE_CHANGING.has(request.method)) return undefined;
      if (verdict === 'blocked') return blockOrigin(reply, origin, request);
      if (origin === undefined && (site === 'cross-site' || site === 'same-site'))
        return blockOrigin(reply, undefined, request);
      return undefined;
    },
    async onSend(_request, reply, payload) {
      reply.header('X-Content-Type-Options', 'nosniff');
      if (xFrame !== 'NONE') reply.header('X-Frame-Options', xFrame);
      return payload;
    },
  };
}
