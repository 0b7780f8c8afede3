/**
 * The trace REST routes (v3 and legacy v2, see protocol/trace-routes.ts), MLflow's UI helper
 * `get-trace-artifact`, and OTLP/HTTP ingestion at `/v1/traces` (protobuf as MLflow 3.6 accepts it,
 * plus OTLP/JSON), as one fastify plugin with its own body parsing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import {
  MLFLOW_EXPERIMENT_ID_HEADER,
  OTLP_EXPORT_RPC,
  OTLP_TRACES_PATH,
  TRACE_ROUTES,
  traceRoutePrefixes,
} from '../protocol/trace-routes.js';
import type { TraceRpcName } from '../protocol/trace-routes.js';
import { principalOf } from './auth/principals.js';
import type { HandlerContext } from './handler-context.js';
import { errorReply } from './http-errors.js';
import { TRACE_HANDLERS, traceArtifact } from './trace-handlers.js';
import type { Json } from './trace-handlers.js';
import { OtlpRejection, ingestOtlpExport } from './otlp-ingest.js';

/** Largest OTLP export body accepted (bytes). */
export const MAX_OTLP_BODY_BYTES = 16 * 1024 * 1024;

function parseJsonBody(request: FastifyRequest): Json {
  const raw = request.body as Buffer | undefined;
  if (!raw || raw.length === 0) return {};
  const ct = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  if (request.method === 'POST' && ct !== 'application/json') {
    throw MlflowError.invalidParameter(
      `Bad Request. Content-Type must be one of ['application/json'], got '${request.headers['content-type'] ?? ''}'`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new MlflowError('MALFORMED_REQUEST', `Malformed JSON request body: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new MlflowError('MALFORMED_REQUEST', 'Request body must be a JSON object.');
  return parsed as Json;
}

/** Runs a trace RPC through the authorizer (the same `ctx.guard` the gRPC trace service uses). */
function guarded(
  ctx: HandlerContext,
  request: FastifyRequest,
  name: TraceRpcName,
  req: Json,
  run: () => Promise<object>,
): Promise<object> {
  return ctx.guard ? ctx.guard(name, req, principalOf(request.raw), run) : run();
}

function send(reply: FastifyReply, e: unknown): FastifyReply {
  const { status, body } = errorReply(e);
  return reply.code(status).type('application/json').send(body);
}

/** OTLP errors as FastAPI's HTTPException body (`detail`) plus MLflow's `error_code`/`message`. */
function sendOtlpError(reply: FastifyReply, status: number, e: unknown): FastifyReply {
  const err = MlflowError.isInstance(e) ? e : new MlflowError('INTERNAL_ERROR', (e as Error)?.message ?? String(e));
  return reply
    .code(status)
    .type('application/json')
    .send(JSON.stringify({ detail: err.message, error_code: err.code, message: err.message }));
}

export async function traceApi(app: FastifyInstance, opts: { ctx: HandlerContext }): Promise<void> {
  const { ctx } = opts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_OTLP_BODY_BYTES }, (_req, body, done) =>
    done(null, body),
  );

  for (const route of TRACE_ROUTES) {
    const handler = TRACE_HANDLERS[route.name];
    if (!handler) throw new Error(`no trace handler for ${route.name}`);
    for (const prefix of traceRoutePrefixes(route.version)) {
      app.route({
        method: route.method,
        url: prefix + route.path,
        handler: async (request, reply) => {
          try {
            const input = route.method === 'GET' ? (request.query as Json) : parseJsonBody(request);
            const params = (request.params ?? {}) as Record<string, string>;
            const out = await guarded(ctx, request, route.name as TraceRpcName, { ...input, ...params }, () =>
              handler(ctx, input, params),
            );
            return reply.type('application/json').send(JSON.stringify(out));
          } catch (e) {
            return send(reply, e);
          }
        },
      });
    }
  }

  app.get('/ajax-api/2.0/mlflow/get-trace-artifact', async (request, reply) => {
    try {
      const id = (request.query as Json).request_id;
      if (typeof id !== 'string' || !id)
        throw new MlflowError('BAD_REQUEST', 'Request must include the "request_id" query parameter.');
      const data = await traceArtifact(ctx, id);
      return reply
        .type('application/octet-stream')
        .header('Content-Disposition', 'attachment; filename=traces.json')
        .send(JSON.stringify(data));
    } catch (e) {
      return send(reply, e);
    }
  });

  app.post(OTLP_TRACES_PATH, { bodyLimit: MAX_OTLP_BODY_BYTES }, async (request, reply) => {
    const ct = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    const json = ct === 'application/json';
    try {
      if (ct !== 'application/x-protobuf' && !json) {
        throw new OtlpRejection(
          400,
          new MlflowError(
            'BAD_REQUEST',
            `Invalid Content-Type: ${request.headers['content-type']}. Expected: application/x-protobuf`,
          ),
        );
      }
      const header = request.headers[MLFLOW_EXPERIMENT_ID_HEADER];
      const experimentId = typeof header === 'string' ? header : undefined;
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      await guarded(ctx, request, OTLP_EXPORT_RPC, { experiment_id: experimentId }, async () => {
        await ingestOtlpExport(ctx, body, json, experimentId);
        return {};
      });
    } catch (e) {
      if (e instanceof OtlpRejection) return sendOtlpError(reply, e.httpStatus ?? errorReply(e.error).status, e.error);
      return sendOtlpError(reply, errorReply(e).status, e);
    }
    return reply.header('content-type', 'application/x-protobuf').send('{"partialSuccess":null}');
  });
}
