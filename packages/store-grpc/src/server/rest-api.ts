/**
 * MLflow's tracking and registry REST API (`/api/2.0/mlflow/...` and `/ajax-api/2.0/mlflow/...`) as
 * a fastify plugin. Request decoding follows mlflow/server/handlers.py: GET reads the query string
 * (repeated keys, 'true'/'false' bools), POST/PUT need `Content-Type: application/json`, DELETE and
 * PATCH read a JSON body too, an empty body is `{}`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import { coerceRequest, toMlflowJson } from '../protocol/json-codec.js';
import { assertJsonDepth } from '../protocol/json-depth.js';
import { normalizeRequest } from '../protocol/normalize-message.js';
import { lookupType } from '../protocol/proto-root.js';
import { API_PREFIXES, RPC_ROUTES, routeOf } from '../protocol/rpc-routes.js';
import type { RpcName } from '../protocol/rpc-routes.js';
import type { HandlerContext } from './handler-context.js';
import { errorHygieneOf, errorReply } from './http-errors.js';
import { principalOf } from './auth/principals.js';
import { historyEncoderFor } from './history-encoding.js';
import { RPC_HANDLERS } from './rpc-handlers.js';

const ALL_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function checkContentType(request: FastifyRequest): void {
  const ct = request.headers['content-type'];
  if (ct === undefined) {
    throw MlflowError.invalidParameter(
      "Bad Request. Content-Type header is missing. Expected one of ['application/json']",
    );
  }
  const mime = ct.split(';')[0]!.trim().toLowerCase();
  if (mime !== 'application/json') {
    throw MlflowError.invalidParameter(`Bad Request. Content-Type must be one of ['application/json'], got '${ct}'`);
  }
}

export function parseBody(request: FastifyRequest): unknown {
  const raw = request.body;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return {};
  if (typeof raw === 'string') assertJsonDepth(raw);
  try {
    return JSON.parse(raw as string);
  } catch (e) {
    throw new MlflowError('MALFORMED_REQUEST', `Malformed JSON request body: ${(e as Error).message}`);
  }
}

export function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  const { status, body } = errorReply(e, errorHygieneOf(reply));
  return reply.code(status).type('application/json').send(body);
}

/** Registers every RPC route. `ctx` answers; paths not known under the prefixes get 404 JSON. */
export async function restApi(app: FastifyInstance, opts: { ctx: HandlerContext }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const methodsByUrl = new Map<string, Set<string>>();
  for (const name of Object.keys(RPC_ROUTES) as RpcName[]) {
    const route = routeOf(name);
    const requestType = lookupType(name);
    const responseType = lookupType(`${name}.Response`);
    const handler = RPC_HANDLERS[name];
    // Metric histories are written straight to JSON (same bytes, without the intermediate objects).
    const fast = historyEncoderFor(name, responseType);
    for (const prefix of API_PREFIXES) {
      if (route.ajaxOnly && !prefix.startsWith('/ajax-api')) continue;
      for (const { method, path } of route.http) {
        // `{model_id}` path parameters (logged models) become fastify's `:model_id`.
        const url = prefix + path.replace(/\{(\w+)\}/g, ':$1');
        if (!methodsByUrl.has(url)) methodsByUrl.set(url, new Set());
        methodsByUrl.get(url)!.add(method);
        app.route({
          method,
          url,
          handler: async (request, reply) => {
            try {
              let input: unknown;
              if (method === 'GET') input = request.query;
              else {
                if (method === 'POST') checkContentType(request);
                input = parseBody(request);
              }
              const params = request.params as Record<string, string> | undefined;
              if (params && Object.keys(params).length > 0) {
                input = { ...(typeof input === 'object' && input !== null ? input : {}), ...params };
              }
              const req = normalizeRequest(requestType, coerceRequest(requestType, input));
              const { ctx } = opts;
              const result = ctx.guard
                ? await ctx.guard(name, req, principalOf(request.raw), () => handler(ctx, req))
                : await handler(ctx, req);
              return reply
                .type('application/json')
                .send(fast ? fast.jsonBytes(result) : JSON.stringify(toMlflowJson(responseType, result)));
            } catch (e) {
              return sendError(reply, e);
            }
          },
        });
      }
    }
  }
  // A known endpoint called with the wrong method: 405, as Flask answers.
  for (const [url, methods] of methodsByUrl) {
    const others = ALL_METHODS.filter((m) => !methods.has(m));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url,
      handler: async (request, reply) =>
        reply
          .code(405)
          .type('application/json')
          .send(
            JSON.stringify({
              error_code: 'BAD_REQUEST',
              message: `Method ${request.method} is not allowed for ${url}`,
            }),
          ),
    });
  }
}
