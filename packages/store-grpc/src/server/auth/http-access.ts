/**
 * Which HTTP routes a database user (not an admin) may reach before the handler runs. RPC and trace
 * routes go on to `guardRpc`, which knows their request; the auth API checks its own callers; the artifact
 * routes need the experiment (or model) they touch; every other route is for admins only, so a
 * route added later stays closed to them until it is given a rule here (deny by default).
 */
import { MlflowError } from '@mlflow-ts/format';
import { API_PREFIXES, ARTIFACTS_PREFIX, RPC_ROUTES, routeOf, type RpcName } from '../../protocol/rpc-routes.js';
import { OTLP_TRACES_PATH, TRACE_ROUTES, traceRoutePrefixes } from '../../protocol/trace-routes.js';
import type { Principal } from '../auth.js';
import { COLUMNAR_RUNS_URLS } from '../columnar-runs.js';
import type { HandlerContext } from '../handler-context.js';
import type { Authorizer } from './authorization.js';
import { grants, type Capability } from './permissions.js';

const RPC_URLS = new Set<string>([OTLP_TRACES_PATH]);
for (const name of Object.keys(RPC_ROUTES) as RpcName[]) {
  for (const { path } of routeOf(name).http)
    for (const prefix of API_PREFIXES) RPC_URLS.add(prefix + path.replace(/\{(\w+)\}/g, ':$1'));
}
// The trace routes and OTLP ingestion also go through `guardRpc` (as on gRPC).
for (const route of TRACE_ROUTES)
  for (const prefix of traceRoutePrefixes(route.version)) RPC_URLS.add(prefix + route.path);

const AUTH_API =
  /^\/(ajax-)?api\/2\.0\/mlflow\/(users\/|experiments\/permissions\/|registered-models\/permissions\/)|^\/api\/2\.0\/mlflow-ts\/tokens\//;
const OPEN = new Set(['/version', '/health']);

function decoded(pathAfterPrefix: string): string {
  try {
    return decodeURIComponent(pathAfterPrefix.replace(/^\/+/, ''));
  } catch {
    throw MlflowError.invalidParameter('Invalid path: malformed percent-encoding');
  }
}

export interface HttpRequestInfo {
  method: string;
  /** The matched route pattern (fastify's `routeOptions.url`), e.g. `/api/2.0/mlflow/logged-models/:model_id`. */
  route: string | undefined;
  /** The request path without its query. */
  path: string;
  query: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** Throws PERMISSION_DENIED when `principal` (a non-admin database user) may not call this route. */
export async function checkHttpAccess(
  authorizer: Authorizer,
  ctx: HandlerContext,
  principal: Principal,
  r: HttpRequestInfo,
): Promise<void> {
  if (principal.kind !== 'user' || principal.admin) return;
  const route = r.route ?? '';
  // The columnar runs search checks SearchRuns' rule in its handler (guardRpc), as runs/search does.
  if (RPC_URLS.has(route) || COLUMNAR_RUNS_URLS.includes(route) || AUTH_API.test(r.path) || OPEN.has(r.path)) return;
  const userId = principal.userId!;
  const need = (experimentId: string, capability: Capability) => {
    if (!grants(authorizer.experimentPermission(userId, experimentId), capability)) {
      throw new MlflowError(
        'PERMISSION_DENIED',
        `Permission denied: user '${principal.name}' may not ${capability} experiment ${experimentId}`,
      );
    }
  };
  const q = (name: string) => (typeof r.query[name] === 'string' ? (r.query[name] as string) : '');
  if (r.path === ARTIFACTS_PREFIX || r.path.startsWith(`${ARTIFACTS_PREFIX}/`)) {
    const artifactPath = r.path === ARTIFACTS_PREFIX ? q('path') : decoded(r.path.slice(ARTIFACTS_PREFIX.length));
    const capability: Capability = r.method === 'PUT' ? 'update' : r.method === 'DELETE' ? 'delete' : 'read';
    return authorizer.checkArtifactPath(principal, artifactPath, capability);
  }
  if (r.path.startsWith('/api/2.0/mlflow-artifacts/mpu/')) {
    const artifactPath = decoded(r.path.replace(/^\/api\/2\.0\/mlflow-artifacts\/mpu\/[^/]+/, ''));
    return authorizer.checkArtifactPath(principal, artifactPath, 'update');
  }
  if (route.endsWith('/get-artifact') && !route.endsWith('/model-versions/get-artifact')) {
    return need((await ctx.tracking.getRun(q('run_id') || q('run_uuid'))).info.experiment_id, 'read');
  }
  if (route.endsWith('/upload-artifact')) {
    return need((await ctx.tracking.getRun(q('run_uuid') || q('run_id'))).info.experiment_id, 'update');
  }
  if (route.endsWith('/model-versions/get-artifact')) {
    if (!grants(authorizer.modelPermission(userId, q('name')), 'read')) {
      throw new MlflowError(
        'PERMISSION_DENIED',
        `Permission denied: user '${principal.name}' may not read registered model '${q('name')}'`,
      );
    }
    return;
  }
  if (route.endsWith('/logged-models/:model_id/artifacts/files') && ctx.tracking.getLoggedModel) {
    return need((await ctx.tracking.getLoggedModel(String(r.params.model_id ?? ''))).info.experiment_id, 'read');
  }
  throw new MlflowError('PERMISSION_DENIED', `Permission denied: ${r.method} ${r.path} is for admins only`);
}
