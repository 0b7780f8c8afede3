/**
 * MLflow's permission levels (mlflow/server/auth/permissions.py) and which one each RPC needs on which
 * resource (mlflow/server/auth/__init__.py `BEFORE_REQUEST_HANDLERS`). Deny by default: an RPC missing
 * from `RPC_RULES` is for admins only, so a route added later is closed until it is given a rule.
 */
import type { RpcName } from '../../protocol/rpc-routes.js';

export const PERMISSION_NAMES = ['READ', 'EDIT', 'MANAGE', 'NO_PERMISSIONS'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];
export type Capability = 'read' | 'update' | 'delete' | 'manage';

const GRANTS: Record<PermissionName, readonly Capability[]> = {
  READ: ['read'],
  EDIT: ['read', 'update'],
  MANAGE: ['read', 'update', 'delete', 'manage'],
  NO_PERMISSIONS: [],
};

export function grants(permission: PermissionName, capability: Capability): boolean {
  return GRANTS[permission].includes(capability);
}

/**
 * What an RPC needs. `experiment` / `run` / `runs` / `logged-model` / `model`: that capability on the
 * experiment the request names (directly, through its run(s) or logged model) or on the registered
 * model it names. `any`: every signed-in user (creating a resource; search, filtered afterwards).
 */
export type Rule =
  | {
      on: 'experiment' | 'experiment-name' | 'experiments' | 'run' | 'runs' | 'logged-model' | 'model';
      need: Capability;
    }
  | { on: 'any' };

const exp = (need: Capability): Rule => ({ on: 'experiment', need });
const run = (need: Capability): Rule => ({ on: 'run', need });
const model = (need: Capability): Rule => ({ on: 'model', need });
const logged = (need: Capability): Rule => ({ on: 'logged-model', need });

export const RPC_RULES: Partial<Record<RpcName, Rule>> = {
  CreateExperiment: { on: 'any' },
  SearchExperiments: { on: 'any' },
  GetExperiment: exp('read'),
  GetExperimentByName: { on: 'experiment-name', need: 'read' },
  DeleteExperiment: exp('delete'),
  RestoreExperiment: exp('delete'),
  UpdateExperiment: exp('update'),
  SetExperimentTag: exp('update'),
  DeleteExperimentTag: exp('update'),
  CreateRun: exp('update'),
  SearchRuns: { on: 'experiments', need: 'read' },
  SearchDatasets: { on: 'experiments', need: 'read' },
  GetRun: run('read'),
  DeleteRun: run('delete'),
  RestoreRun: run('delete'),
  UpdateRun: run('update'),
  LogMetric: run('update'),
  LogBatch: run('update'),
  LogModel: run('update'),
  LogParam: run('update'),
  SetTag: run('update'),
  DeleteTag: run('update'),
  LogInputs: run('update'),
  LogOutputs: run('update'),
  GetMetricHistory: run('read'),
  ListArtifacts: run('read'),
  GetMetricHistoryBulkInterval: { on: 'runs', need: 'read' },
  GetMetricHistoryBulk: { on: 'runs', need: 'read' },

  CreateRegisteredModel: { on: 'any' },
  SearchRegisteredModels: { on: 'any' },
  SearchModelVersions: { on: 'any' },
  GetRegisteredModel: model('read'),
  DeleteRegisteredModel: model('delete'),
  UpdateRegisteredModel: model('update'),
  RenameRegisteredModel: model('update'),
  GetLatestVersions: model('read'),
  CreateModelVersion: model('update'),
  GetModelVersion: model('read'),
  DeleteModelVersion: model('delete'),
  UpdateModelVersion: model('update'),
  TransitionModelVersionStage: model('update'),
  GetModelVersionDownloadUri: model('read'),
  SetRegisteredModelTag: model('update'),
  DeleteRegisteredModelTag: model('update'),
  SetModelVersionTag: model('update'),
  DeleteModelVersionTag: model('delete'),
  SetRegisteredModelAlias: model('update'),
  DeleteRegisteredModelAlias: model('delete'),
  GetModelVersionByAlias: model('read'),
};

/** Logged-model RPCs, by name (their route table entries are added with the logged-model API). */
export const LOGGED_MODEL_RULES: Record<string, Rule> = {
  CreateLoggedModel: exp('update'),
  SearchLoggedModels: { on: 'experiments', need: 'read' },
  GetLoggedModel: logged('read'),
  DeleteLoggedModel: logged('delete'),
  FinalizeLoggedModel: logged('update'),
  SetLoggedModelTags: logged('update'),
  DeleteLoggedModelTag: logged('delete'),
  LogLoggedModelParams: logged('update'),
  ListLoggedModelArtifacts: logged('read'),
};

export function ruleOf(name: string): Rule | undefined {
  return (RPC_RULES as Record<string, Rule | undefined>)[name] ?? LOGGED_MODEL_RULES[name];
}
