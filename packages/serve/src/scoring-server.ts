/**
 * The scoring server: MLflow's `/ping`, `/health`, `/version`, `/invocations`, the Open Inference
 * Protocol (KServe v2) REST routes, Prometheus `/metrics`, optional dynamic batching, one log line
 * per request and a graceful close. Several models can be served; `/invocations` uses the first.
 */
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import { createDynamicBatcher } from './dynamic-batcher.js';
import { registerInvocationsRoute } from './invocations-route.js';
import { registerKserveV2Routes } from './kserve-v2-routes.js';
import { createServerMetrics, PROMETHEUS_CONTENT_TYPE } from './metrics.js';
import type { ServerMetrics } from './metrics.js';
import type { ServableModel } from './servable-model.js';
import { sendError } from './route-context.js';
import type { RouteContext, ServedModel } from './route-context.js';

export const SERVE_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface ScoringServerOptions {
  models: { name: string; model: ServableModel; version?: string }[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Enables dynamic batching when > 1: most rows merged into one model call. */
  maxBatchSize?: number;
  /** How long an idle model waits to fill a batch (default 2 ms). */
  maxBatchDelayMs?: number;
  /** Largest request body in bytes (default 64 MiB) → 413 beyond. */
  bodyLimit?: number;
  /** Per-request limit (MLflow's MLFLOW_SCORING_SERVER_REQUEST_TIMEOUT, default 60 s) → 504. */
  requestTimeoutMs?: number;
  /** One line per request: true (stderr, default), false, or a sink. */
  log?: boolean | ((line: string) => void);
  /** What `/version` answers (default: this package's version). */
  version?: string;
}

export interface ScoringServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly port: number;
  readonly metrics: ServerMetrics;
  /** Stops accepting connections, finishes in-flight requests and queued batches. */
  close(): Promise<void>;
}

function servedModels(opts: ScoringServerOptions, metrics: ServerMetrics, arriving: () => number): ServedModel[] {
  if (opts.models.length === 0)
    throw new MlflowError('INVALID_PARAMETER_VALUE', 'createScoringServer needs at least one model');
  const names = new Set<string>();
  return opts.models.map(({ name, model, version }) => {
    if (names.has(name)) throw new MlflowError('INVALID_PARAMETER_VALUE', `Model name '${name}' is served twice`);
    names.add(name);
    const maxBatchSize = opts.maxBatchSize ?? 1;
    const batcher =
      maxBatchSize > 1
        ? createDynamicBatcher((input, params) => model.predictEnforced(input, params), {
            maxBatchSize,
            maxBatchDelayMs: opts.maxBatchDelayMs ?? 2,
            arriving,
            onBatch: (rows, requests) => metrics.recordBatch(name, rows, requests),
          })
        : undefined;
    return {
      name,
      version,
      model,
      predict: async (input, params) => {
        const enforced = model.enforce(input, params);
        if (batcher) return batcher.submit(enforced.input, enforced.params);
        metrics.recordBatch(name, rowsOf(enforced.input), 1);
        return model.predictEnforced(enforced.input, enforced.params);
      },
    };
  });
}

/**
 * No route declares a fastify schema (payloads follow MLflow's rules, checked by the format package),
 * so fastify need not load ajv and fast-json-stringify at startup: ~75 ms of `models serve` cold start.
 */
const NO_SCHEMA_COMPILERS = {
  buildValidator: () => () => {
    throw new Error('The scoring server routes declare no fastify validation schemas');
  },
  buildSerializer: () => () => {
    throw new Error('The scoring server routes declare no fastify serialization schemas');
  },
};

function rowsOf(input: ReturnType<ServableModel['enforce']>['input']): number {
  if (input.kind === 'dataframe') return input.rows.length;
  const t = input.kind === 'tensor' ? input.tensor : Object.values(input.tensors)[0];
  return t?.shape[0] ?? 1;
}

export async function createScoringServer(opts: ScoringServerOptions): Promise<ScoringServer> {
  const metrics = createServerMetrics();
  // POST requests received whose handler has not started: bodies still being read. An idle batcher
  // waits for these (up to maxBatchDelayMs) instead of running a lone request.
  let arriving = 0;
  const models = servedModels(opts, metrics, () => arriving);
  const batching = (opts.maxBatchSize ?? 1) > 1;
  const bodyLimit = opts.bodyLimit ?? 64 * 1024 * 1024;
  const app = Fastify({
    logger: false,
    bodyLimit,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: NO_SCHEMA_COMPILERS },
  });
  const log =
    opts.log === false
      ? undefined
      : typeof opts.log === 'function'
        ? opts.log
        : (l: string) => process.stderr.write(`${l}\n`);

  // Bodies are parsed by the routes (MLflow's content-type rules, not fastify's), so keep them raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // While closing, answers tell keep-alive clients to go away so the close is not held open.
  let shuttingDown = false;
  // Callback-style hooks: they run on every request, and async ones cost a promise each.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onRequest', (req, _reply, done) => {
    (req as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
    done();
  });
  if (batching) {
    const ARRIVING = Symbol('arriving');
    const arrived = (req: object) => {
      if ((req as { [ARRIVING]?: boolean })[ARRIVING]) {
        (req as { [ARRIVING]?: boolean })[ARRIVING] = false;
        arriving--;
      }
    };
    app.addHook('onRequest', (req, _reply, done) => {
      if (req.method === 'POST') {
        (req as { [ARRIVING]?: boolean })[ARRIVING] = true;
        arriving++;
      }
      done();
    });
    app.addHook('preHandler', (req, _reply, done) => {
      arrived(req);
      done();
    });
    app.addHook('onResponse', (req, _reply, done) => {
      arrived(req); // answered before its handler ran (413, 404)
      done();
    });
    app.addHook('onRequestAbort', (req, done) => {
      arrived(req);
      done();
    });
  }
  app.addHook('onResponse', (req, reply, done) => {
    const started = (req as { startedAt?: bigint }).startedAt ?? process.hrtime.bigint();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const route = req.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics') metrics.recordRequest(route, req.method, reply.statusCode, seconds);
    log?.(
      `${new Date().toISOString()} ${req.ip} "${req.method} ${req.url}" ${reply.statusCode} ${(seconds * 1000).toFixed(1)}ms`,
    );
    done();
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    if (error.statusCode === 413) {
      return reply.code(413).send({
        error_code: 'REQUEST_LIMIT_EXCEEDED',
        message: `Request body is larger than the limit of ${bodyLimit} bytes`,
      });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error_code: 'BAD_REQUEST', message: error.message });
    }
    return sendError(reply, error);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `No route for ${req.method} ${req.url}` }),
  );

  const health = async (_req: unknown, reply: FastifyReply) => reply.code(200).type('application/json').send('\n');
  app.get('/ping', health);
  app.get('/health', health);
  app.get('/version', async (_req, reply) =>
    reply.type('text/plain; charset=utf-8').send(opts.version ?? SERVE_VERSION),
  );
  app.get('/metrics', async (_req, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(metrics.render()));

  const ctx: RouteContext = { models, metrics, requestTimeoutMs: opts.requestTimeoutMs ?? 60_000 };
  registerInvocationsRoute(app, ctx);
  registerKserveV2Routes(app, ctx);

  const address = await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const port = (app.server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  return {
    app,
    url: address.replace('[::1]', 'localhost'),
    port,
    metrics,
    close: () => {
      shuttingDown = true;
      return (closing ??= app.close().then(() => undefined));
    },
  };
}
