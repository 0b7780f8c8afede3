/**
 * Per-resource authorisation of database users, the same for REST and gRPC: every RPC goes through
 * `guardRpc`, which checks the rule `permissions.ts` gives it, runs it, then applies MLflow's
 * after-request hooks (the creator of an experiment or registered model gets MANAGE; a deleted or
 * renamed model's permissions go or move with it; searches show only what the user may read).
 * Admins and command-line principals are not checked per resource (read-only ones only read).
 */
import { MlflowError } from '@mlflow-ts/format';
import { routeOf, type RpcName, RPC_ROUTES } from '../../protocol/rpc-routes.js';
import type { Principal } from '../auth.js';
import type { GuardedRpc, HandlerContext, Req } from '../handler-context.js';
import { TRACE_ROUTES } from '../../protocol/trace-routes.js';
import type { AuthDb } from './auth-db.js';
import { grants, ruleOf, type Capability, type PermissionName } from './permissions.js';

export interface Authorizer {
  readonly db: AuthDb;
  readonly defaultPermission: PermissionName;
  /** Runs one RPC for `principal` (undefined: auth is off). */
  guardRpc(
    ctx: HandlerContext,
    name: GuardedRpc,
    req: Req,
    principal: Principal | undefined,
    run: () => Promise<object>,
  ): Promise<object>;
  /** The proxied artifact API: `<experiment id>/...` paths need that experiment's permission. */
  checkArtifactPath(principal: Principal | undefined, artifactPath: string, capability: Capability): void;
  /** Permission of a user on an experiment / a registered model. */
  experimentPermission(userId: number, experimentId: string): PermissionName;
  modelPermission(userId: number, name: string): PermissionName;
}

const READ_RPCS = new Set<string>([
  ...(Object.keys(RPC_ROUTES) as RpcName[]).filter((n) => routeOf(n).read),
  ...TRACE_ROUTES.filter((r) => r.read).map((r) => r.name),
]);

function denied(principal: Principal, what: string): MlflowError {
  return new MlflowError('PERMISSION_DENIED', `Permission denied: user '${principal.name}' may not ${what}`);
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : [];

export function createAuthorizer(db: AuthDb, defaultPermission: PermissionName = 'READ'): Authorizer {
  const experimentPermission = (userId: number, experimentId: string): PermissionName =>
    (db.experimentPermission(experimentId, userId)?.permission as PermissionName | undefined) ?? defaultPermission;
  const modelPermission = (userId: number, name: string): PermissionName =>
    (db.registeredModelPermission(name, userId)?.permission as PermissionName | undefined) ?? defaultPermission;

  const requireExperiment = (p: Principal, experimentId: string, need: Capability) => {
    if (!grants(experimentPermission(p.userId!, experimentId), need))
      throw denied(p, `${need} experiment ${experimentId}`);
  };
  const requireModel = (p: Principal, name: string, need: Capability) => {
    if (!grants(modelPermission(p.userId!, name), need)) throw denied(p, `${need} registered model '${name}'`);
  };
  const runExperiment = async (ctx: HandlerContext, runId: string) =>
    (await ctx.tracking.getRun(runId)).info.experiment_id;

  async function check(ctx: HandlerContext, name: GuardedRpc, req: Req, p: Principal): Promise<void> {
    const rule = ruleOf(name);
    if (!rule) throw denied(p, `call ${name} (admins only)`);
    if (rule.on === 'any') return;
    const { need } = rule;
    switch (rule.on) {
      case 'experiment':
        return requireExperiment(p, String(req.experiment_id ?? ''), need);
      case 'experiments':
        for (const id of strings(req.experiment_ids)) requireExperiment(p, id, need);
        return;
      case 'experiment-name': {
        const e = await ctx.tracking.getExperimentByName(String(req.experiment_name ?? ''));
        if (e) requireExperiment(p, e.experiment_id, need);
        return;
      }
      case 'run':
        return requireExperiment(p, await runExperiment(ctx, String(req.run_id || req.run_uuid || '')), need);
      case 'runs':
        for (const id of strings(req.run_ids)) requireExperiment(p, await runExperiment(ctx, id), need);
        return;
      case 'logged-model': {
        const tracking = ctx.tracking as {
          getLoggedModel?: (id: string) => Promise<{ info: { experiment_id: string } }>;
        };
        if (!tracking.getLoggedModel) throw denied(p, `call ${name}`);
        const m = await tracking.getLoggedModel(String(req.model_id ?? ''));
        return requireExperiment(p, m.info.experiment_id, need);
      }
      case 'model':
        return requireModel(p, String(req.name ?? ''), need);
    }
  }

  /** Drops what the user may not read from a search answer (MLflow's filter_search_* hooks). */
  function filterResult(name: GuardedRpc, result: object, p: Principal): object {
    const r = result as Record<string, unknown>;
    const keep = <T>(key: string, readable: (x: T) => boolean) => {
      if (Array.isArray(r[key])) r[key] = (r[key] as T[]).filter(readable);
    };
    const userId = p.userId!;
    if (name === 'SearchExperiments')
      keep<{ experiment_id: string }>('experiments', (e) =>
        grants(experimentPermission(userId, e.experiment_id), 'read'),
      );
    if (name === 'SearchRegisteredModels')
      keep<{ name: string }>('registered_models', (m) => grants(modelPermission(userId, m.name), 'read'));
    if (name === 'SearchModelVersions')
      keep<{ name: string }>('model_versions', (v) => grants(modelPermission(userId, v.name), 'read'));
    return r;
  }

  function afterwards(name: GuardedRpc, req: Req, result: object, p: Principal): void {
    const r = result as Record<string, unknown>;
    if (name === 'CreateExperiment' && typeof r.experiment_id === 'string' && p.userId !== undefined) {
      db.setExperimentPermission(r.experiment_id, p.userId, 'MANAGE', 'create');
    }
    if (name === 'CreateRegisteredModel' && p.userId !== undefined) {
      const created = (r.registered_model as { name?: string } | undefined)?.name;
      if (created && !db.registeredModelPermission(created, p.userId))
        db.setRegisteredModelPermission(created, p.userId, 'MANAGE', 'create');
    }
    // A model's permissions follow its name (the key MLflow stores them under).
    if (name === 'DeleteRegisteredModel') db.deleteRegisteredModelPermissionsOf(String(req.name ?? ''));
    if (name === 'RenameRegisteredModel')
      db.renameRegisteredModelPermissions(String(req.name ?? ''), String(req.new_name ?? ''));
  }

  return {
    db,
    defaultPermission,
    experimentPermission,
    modelPermission,
    async guardRpc(ctx, name, req, principal, run) {
      if (!principal) return run();
      if (principal.kind === 'static' || principal.admin) {
        if (principal.readOnly && !READ_RPCS.has(name))
          throw new MlflowError('PERMISSION_DENIED', `Permission denied: user '${principal.name}' is read-only`);
        const result = await run();
        afterwards(name, req, result, principal);
        return result;
      }
      await check(ctx, name, req, principal);
      const result = await run();
      afterwards(name, req, result, principal);
      return filterResult(name, result, principal);
    },
    checkArtifactPath(principal, artifactPath, capability) {
      if (!principal || principal.kind === 'static' || principal.admin) {
        if (principal?.readOnly && capability !== 'read')
          throw new MlflowError('PERMISSION_DENIED', `Permission denied: user '${principal.name}' is read-only`);
        return;
      }
      const experimentId = artifactPath.replace(/^\/+/, '').split('/')[0] ?? '';
      if (experimentId === '') throw denied(principal, 'list the artifact root (admins only)');
      requireExperiment(principal, experimentId, capability);
    },
  };
}
