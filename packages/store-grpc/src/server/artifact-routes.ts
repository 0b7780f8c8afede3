/**
 * Artifact routes: MLflow's proxied artifact API (`/api/2.0/mlflow-artifacts/artifacts/<path>`:
 * GET streams, PUT streams the raw body to disk, DELETE, list with `?path=`) and the UI helpers
 * `get-artifact` / `model-versions/get-artifact`. Paths come from the raw URL, decoded once as
 * Flask does, and then go through the format's one path validator.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { create as createContentDisposition } from 'content-disposition';
import { MlflowError, assertSafeArtifactPath } from '@mlflow-ts/format';
import type { ArtifactRepository } from '@mlflow-ts/format';
import { toMlflowJson } from '../protocol/json-codec.js';
import { lookupType } from '../protocol/proto-root.js';
import { ARTIFACTS_PREFIX } from '../protocol/rpc-routes.js';
import { assertDeletableArtifactPath } from './artifact-root-guard.js';
import type { HandlerContext } from './handler-context.js';
import { sendError } from './rest-api.js';

const MIME: Record<string, string> = {
  json: 'application/json',
  txt: 'text/plain',
  log: 'text/plain',
  yaml: 'text/plain',
  yml: 'text/plain',
  md: 'text/plain',
  csv: 'text/csv',
  html: 'text/html',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

function mimeOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'MLmodel' || base === 'MLproject') return 'text/plain';
  const dot = base.lastIndexOf('.');
  return (dot > 0 && MIME[base.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

/** The artifact path after `prefix` in the raw URL, decoded once; validated. */
function rawPathAfter(request: FastifyRequest, prefix: string): string {
  const url = request.raw.url ?? '';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(prefix.length).replace(/^\/+/, ''));
  } catch {
    throw MlflowError.invalidParameter(`Invalid path '${pathname}': malformed percent-encoding`);
  }
  assertSafeArtifactPath(rel);
  return rel;
}

async function sendFile(reply: FastifyReply, repo: ArtifactRepository, path: string): Promise<FastifyReply> {
  const stream = await repo.readArtifact(path);
  const filename = path.slice(path.lastIndexOf('/') + 1);
  return (
    reply
      .header('Content-Type', mimeOf(path))
      // RFC 6266 / 8187: an ASCII `filename` fallback plus `filename*` for names like `€.txt`.
      .header('Content-Disposition', createContentDisposition(filename))
      .header('X-Content-Type-Options', 'nosniff')
      .send(stream instanceof Readable ? stream : Readable.from(stream))
  );
}

function queryString(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Record<string, unknown>)[name];
  return Array.isArray(v) ? (v[0] as string) : (v as string | undefined);
}

export async function artifactRoutes(
  app: FastifyInstance,
  opts: { ctx: HandlerContext; serveArtifacts: boolean; proxyRoot: () => ArtifactRepository },
): Promise<void> {
  // Bodies here are file bytes: hand the request stream through untouched (no buffering, no limit).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  const listType = lookupType('ListArtifactsProxied.Response');
  const guard =
    (fn: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (!opts.serveArtifacts) {
        return reply
          .code(503)
          .type('text/plain')
          .send(
            'Endpoint: /api/2.0/mlflow-artifacts disabled due to the mlflow server running with `--no-serve-artifacts`. To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`',
          );
      }
      try {
        return await fn(request, reply);
      } catch (e) {
        return sendError(reply, e);
      }
    };

  app.get(
    ARTIFACTS_PREFIX,
    guard(async (request, reply) => {
      const path = queryString(request, 'path') ?? '';
      if (path) assertSafeArtifactPath(path);
      const files = (await opts.proxyRoot().listArtifacts(path || undefined)).map((f) => ({
        ...f,
        path: f.path.slice(f.path.lastIndexOf('/') + 1),
      }));
      return reply.type('application/json').send(JSON.stringify(toMlflowJson(listType, { files })));
    }),
  );
  app.get(
    `${ARTIFACTS_PREFIX}/*`,
    guard(async (request, reply) => sendFile(reply, opts.proxyRoot(), rawPathAfter(request, ARTIFACTS_PREFIX))),
  );
  app.put(
    `${ARTIFACTS_PREFIX}/*`,
    guard(async (request, reply) => {
      const path = rawPathAfter(request, ARTIFACTS_PREFIX);
      const body = (request.body as Readable | undefined) ?? Readable.from([]);
      await opts.proxyRoot().writeArtifact(path, body);
      return reply.type('application/json').send('{}');
    }),
  );
  app.delete(
    `${ARTIFACTS_PREFIX}/*`,
    guard(async (request, reply) => {
      const path = assertDeletableArtifactPath(rawPathAfter(request, ARTIFACTS_PREFIX));
      const repo = opts.proxyRoot();
      if (!repo.deleteArtifacts) throw new MlflowError('NOT_IMPLEMENTED', 'This artifact repository cannot delete');
      await repo.deleteArtifacts(path);
      return reply.type('application/json').send('{}');
    }),
  );
  for (const op of ['create', 'complete', 'abort']) {
    app.post(
      `/api/2.0/mlflow-artifacts/mpu/${op}/*`,
      guard(async () => {
        throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported for local artifact storage');
      }),
    );
  }

  const runArtifact = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const runId = queryString(request, 'run_id') || queryString(request, 'run_uuid');
      const path = queryString(request, 'path');
      if (!runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
      if (!path) throw MlflowError.invalidParameter("Missing value for required parameter 'path'.");
      assertSafeArtifactPath(path);
      const run = await opts.ctx.tracking.getRun(runId);
      return await sendFile(reply, opts.ctx.artifactsFor(run.info.artifact_uri), path);
    } catch (e) {
      return sendError(reply, e);
    }
  };
  const versionArtifact = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const name = queryString(request, 'name');
      const version = queryString(request, 'version');
      const path = queryString(request, 'path');
      if (!name || !version || !path)
        throw MlflowError.invalidParameter("Missing value for required parameter 'name', 'version' or 'path'.");
      assertSafeArtifactPath(path);
      if (!opts.ctx.registry) throw new MlflowError('NOT_IMPLEMENTED', 'This server has no model registry store.');
      const uri = await opts.ctx.registry.getModelVersionDownloadUri(name, version);
      return await sendFile(reply, opts.ctx.artifactsFor(uri), path);
    } catch (e) {
      return sendError(reply, e);
    }
  };
  // A logged model's files, as MLflow's UI fetches them (`get_logged_model_artifact_handler`; ajax-api only there).
  app.get('/ajax-api/2.0/mlflow/logged-models/:model_id/artifacts/files', async (request, reply) => {
    try {
      const path = queryString(request, 'artifact_file_path');
      if (!path) throw new MlflowError('BAD_REQUEST', 'Request must include the "artifact_file_path" query parameter.');
      assertSafeArtifactPath(path);
      const tracking = opts.ctx.tracking;
      if (!tracking.getLoggedModel)
        throw new MlflowError('NOT_IMPLEMENTED', 'This tracking store does not support logged models.');
      const model = await tracking.getLoggedModel((request.params as { model_id: string }).model_id);
      return await sendFile(reply, opts.ctx.artifactsFor(model.info.artifact_uri), path);
    } catch (e) {
      return sendError(reply, e);
    }
  });
  for (const prefix of ['', '/ajax-api/2.0/mlflow']) {
    app.get(`${prefix}/get-artifact`, runArtifact);
    app.get(`${prefix}/model-versions/get-artifact`, versionArtifact);
  }
  app.post('/ajax-api/2.0/mlflow/upload-artifact', async (request, reply) => {
    try {
      const runId = queryString(request, 'run_uuid') || queryString(request, 'run_id');
      const path = queryString(request, 'path');
      if (!runId || !path)
        throw MlflowError.invalidParameter("Missing value for required parameter 'run_uuid' or 'path'.");
      assertSafeArtifactPath(path);
      const run = await opts.ctx.tracking.getRun(runId);
      await opts.ctx
        .artifactsFor(run.info.artifact_uri)
        .writeArtifact(path, (request.body as Readable | undefined) ?? Readable.from([]));
      return reply.type('application/json').send('{}');
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
