/**
 * Open Inference Protocol (KServe v2) over REST: health, server and model metadata, readiness and
 * `infer`. Errors use the protocol's `{"error": "..."}` body with MLflow's status codes.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import { withTimeout } from './route-context.js';
import type { RouteContext, ServedModel } from './route-context.js';
import { predictionToV2Outputs, signatureToV2Metadata, v2RequestToModelInput } from './kserve-v2-tensors.js';
import type { V2InferRequest } from './kserve-v2-tensors.js';

function v2Error(reply: FastifyReply, e: unknown): FastifyReply {
  const status = MlflowError.isInstance(e) ? e.httpStatus : 400;
  return reply
    .code(status)
    .type('application/json')
    .send({ error: (e as Error)?.message ?? String(e) });
}

function findModel(ctx: RouteContext, name: string, version?: string): ServedModel {
  const m = ctx.models.find((x) => x.name === name);
  if (!m || (version !== undefined && m.version !== undefined && m.version !== version)) {
    throw new MlflowError(
      'RESOURCE_DOES_NOT_EXIST',
      `Model '${name}'${version ? ` version '${version}'` : ''} is not served here; served: ${ctx.models.map((x) => `'${x.name}'`).join(', ')}`,
    );
  }
  return m;
}

export function registerKserveV2Routes(app: FastifyInstance, ctx: RouteContext): void {
  const ok = async (_req: unknown, reply: FastifyReply) => reply.code(200).send({ live: true });
  app.get('/v2/health/live', ok);
  app.get('/v2/health/ready', async (_req, reply) => reply.code(200).send({ ready: true }));
  app.get('/v2', async () => ({
    name: 'mlflow-ts',
    version: (await import('./scoring-server.js')).SERVE_VERSION,
    extensions: [],
  }));

  type P = { name: string; version?: string };
  const metadata = async (req: { params: P }, reply: FastifyReply) => {
    try {
      const m = findModel(ctx, req.params.name, req.params.version);
      return reply.send({
        name: m.name,
        versions: m.version ? [m.version] : [],
        platform: `mlflow-ts_${m.model.flavor}`,
        inputs: signatureToV2Metadata(m.model.signature?.inputs),
        outputs: signatureToV2Metadata(m.model.signature?.outputs),
      });
    } catch (e) {
      return v2Error(reply, e);
    }
  };
  const ready = async (req: { params: P }, reply: FastifyReply) => {
    try {
      const m = findModel(ctx, req.params.name, req.params.version);
      return reply.send({ name: m.name, ready: true });
    } catch (e) {
      return v2Error(reply, e);
    }
  };
  const infer = async (req: { params: P; body: unknown }, reply: FastifyReply) => {
    try {
      const m = findModel(ctx, req.params.name, req.params.version);
      let body: unknown;
      try {
        body = JSON.parse(typeof req.body === 'string' ? req.body : '');
      } catch (e) {
        throw new MlflowError('BAD_REQUEST', `Invalid JSON in inference request: ${(e as Error).message}`);
      }
      const { input, params } = v2RequestToModelInput(body, m.model.signature);
      const prediction = await withTimeout(m.predict(input, params), ctx.requestTimeoutMs);
      const r = body as V2InferRequest;
      return reply.send({
        model_name: m.name,
        ...(m.version ? { model_version: m.version } : {}),
        ...(r.id !== undefined ? { id: r.id } : {}),
        outputs: predictionToV2Outputs(prediction, m.model.signature, r.outputs),
      });
    } catch (e) {
      return v2Error(reply, e);
    }
  };
  app.get<{ Params: P }>('/v2/models/:name', metadata);
  app.get<{ Params: P }>('/v2/models/:name/versions/:version', metadata);
  app.get<{ Params: P }>('/v2/models/:name/ready', ready);
  app.get<{ Params: P }>('/v2/models/:name/versions/:version/ready', ready);
  app.post<{ Params: P }>('/v2/models/:name/infer', infer);
  app.post<{ Params: P }>('/v2/models/:name/versions/:version/infer', infer);
}
