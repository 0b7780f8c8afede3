/**
 * Running an MLflow project locally (MLflow's `mlflow.projects.run` with the local backend): fetch the
 * project, validate the entry point's parameters before anything else happens, create the run with
 * MLflow's tags and the parameters, prepare the environment, and run the entry point's command through
 * `bash -c` in the project directory with MLFLOW_RUN_ID, MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID
 * set, so that any MLflow-aware script (this client's fluent API or Python's mlflow) logs into the run.
 * The CLI's `mlflow-ts run` and `run()` are both this function.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  MlflowError,
  entryPointCommand,
  shellQuote,
  getEntryPoint,
  localPathOrUndefined,
  projectRunParams,
  resolveParameters,
  uriScheme,
  type ParameterInput,
  type ProjectEntryPoint,
  type ResolvedParameters,
  type Run,
} from '@mlflow-ts/format';
import type { MlflowClient } from '../client.js';
import {
  MLFLOW_GIT_COMMIT,
  MLFLOW_PARENT_RUN_ID,
  MLFLOW_SOURCE_NAME,
  MLFLOW_SOURCE_TYPE,
  MLFLOW_USER,
  currentUser,
} from '../context-tags.js';
import { fluentSession } from '../fluent.js';
import { localPathOfUri } from '../store-registry.js';
import {
  assertDockerInstalled,
  dockerImageUri,
  dockerInstalled,
  dockerRunCommand,
  writeDockerBuildContext,
  type DockerBuildContext,
} from './docker.js';
import { defaultProjectsCacheDir, fetchProject, type FetchedProject } from './fetch-project.js';
import { gitCommitOf, gitRepoUrl, gitUrlIfPresent, isGitBranch } from './git.js';
import { loadProject, type LoadedProject } from './load-project.js';
import { installNodeEnv } from './node-env.js';
import { processOutput, type ProjectOutput } from './output.js';
import { forwardSignalsTo } from './signal-forwarding.js';
import { CompletedSubmittedRun, LocalSubmittedRun, type SubmittedRun } from './submitted-run.js';

const MLFLOW_GIT_BRANCH = 'mlflow.source.git.branch';
const MLFLOW_GIT_REPO_URL = 'mlflow.source.git.repoURL';
const MLFLOW_PROJECT_ENTRY_POINT = 'mlflow.project.entryPoint';
const MLFLOW_PROJECT_ENV = 'mlflow.project.env';
const MLFLOW_PROJECT_BACKEND = 'mlflow.project.backend';
const MLFLOW_DOCKER_IMAGE_URI = 'mlflow.docker.image.uri';

export type Env = Readonly<Record<string, string | undefined>>;
export type EnvManager = 'local' | 'npm';
export const ENV_MANAGERS: readonly EnvManager[] = ['local', 'npm'];

export interface RunProjectOptions {
  /** Entry point name, or a script file (`.py`, `.sh`, `.js`, `.mjs`, `.cjs`). Default `main`. */
  entryPoint?: string;
  /** Git commit, branch or tag (git URIs, or a local repository, which is then checked out into the cache). */
  version?: string;
  parameters?: Readonly<Record<string, ParameterInput>>;
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  /** Report into this existing run instead of creating one (MLflow's internal `run_id`). */
  runId?: string;
  /** `local` (default): run in this environment; `npm`: install the project's `node_env` first. */
  envManager?: EnvManager;
  /** Docker projects: build an image of the project on top of `docker_env.image` (else run the image as is). */
  buildImage?: boolean;
  /** Docker projects: `docker run` options, `{ gpus: 'all', t: true }` → `--gpus all -t`. */
  dockerArgs?: Readonly<Record<string, string | boolean>>;
  /** Where `--build-image` writes the Docker build context (default: a new directory in the cache). */
  dockerContextDir?: string;
  /** Where remote URIs given to `path` parameters are downloaded (default: a temporary directory). */
  storageDir?: string;
  /** Wait for the run to end (default true; a failed run then throws). */
  synchronous?: boolean;
  /**
   * Reuse the newest FINISHED run of the same experiment with the same entry point, source, git
   * commit and parameters instead of running again (what MLflow's multistep example's
   * `_get_or_run` does by hand).
   */
  useCache?: boolean;
  /** The tracking client (default: the fluent API's, i.e. MLFLOW_TRACKING_URI). */
  client?: MlflowClient;
  /** Parent of the new run (default: the fluent API's active run, as MLflow's `mlflow.projects.run` does). */
  parentRunId?: string;
  /** The environment the entry point inherits (default `process.env`). */
  env?: Env;
  /** Base for relative project and `path` parameter paths (default `process.cwd()`). */
  cwd?: string;
  /** Where git projects are mirrored and checked out (default ~/.cache/mlflow-ts/projects). */
  cacheDir?: string;
  /** Where the entry point's output and the runner's lines go (default: this process's stdout/stderr). */
  output?: ProjectOutput;
}

export interface PreparedProject {
  uri: string;
  fetched: FetchedProject;
  project: LoadedProject;
  entryPointName: string;
  entryPoint: ProjectEntryPoint;
  resolved: ResolvedParameters;
  /** The values substituted into the command (`path` parameters made absolute / downloaded). */
  commandParams: Record<string, string>;
  envManager: EnvManager | 'docker';
}

function invalid(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

/** What a child process needs to reach the same store: local paths made absolute (the child runs elsewhere). */
export function trackingUriForChild(uri: string): string {
  const scheme = uriScheme(uri);
  if (scheme === undefined) return path.resolve(uri);
  if (scheme === 'file') return `file://${localPathOfUri(uri)}`;
  return uri;
}

async function resolvePathParameters(
  prepared: Pick<PreparedProject, 'entryPoint' | 'resolved'>,
  opts: RunProjectOptions,
  client: () => MlflowClient,
): Promise<Record<string, string>> {
  const out = { ...prepared.resolved.params };
  const cwd = opts.cwd ?? process.cwd();
  let storage: string | undefined;
  for (const [position, p] of prepared.entryPoint.parameters.entries()) {
    if (p.type !== 'path') continue;
    const value = out[p.name] as string;
    const local = localPathOrUndefined(value);
    if (local !== undefined) {
      const abs = path.resolve(cwd, local);
      if (!existsSync(abs)) {
        throw invalid(`Got value ${value} for parameter ${p.name}, but no such file or directory was found.`);
      }
      out[p.name] = abs;
      continue;
    }
    if (storage === undefined) {
      if (opts.storageDir) await mkdir(opts.storageDir, { recursive: true });
      storage = await mkdtemp(path.join(opts.storageDir ?? os.tmpdir(), 'mlflow-ts-project-'));
      opts.output?.info(
        `=== Created directory ${storage} for downloading remote URIs passed to arguments of type 'path' ===`,
      );
    }
    const dst = path.join(storage, `param_${position}`);
    await mkdir(dst);
    out[p.name] = await client().downloadArtifactsFromUri(value, dst);
  }
  return out;
}

/**
 * Fetches and loads the project and validates the entry point and its parameters: every user error
 * (no such directory or ref, bad MLproject, unknown entry point, missing or mistyped parameter) is
 * thrown here, before a run exists.
 */
export async function prepareProject(uri: string, opts: RunProjectOptions = {}): Promise<PreparedProject> {
  const env = opts.env ?? process.env;
  const fetched = await fetchProject(uri, {
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    env,
  });
  if (!fetched.local || opts.version !== undefined)
    opts.output?.info(`=== Fetched project ${uri} into ${fetched.workDir} ===`);
  const project = await loadProject(fetched.workDir);
  const entryPointName = opts.entryPoint ?? 'main';
  let entryPoint: ProjectEntryPoint;
  try {
    entryPoint = getEntryPoint(project.spec, entryPointName, env);
  } catch (e) {
    if (project.mlprojectPath === undefined && MlflowError.isInstance(e)) {
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `No MLproject file in ${fetched.workDir}. ${e.message}`);
    }
    throw e;
  }
  if (
    !Object.hasOwn(project.spec.entryPoints, entryPointName) &&
    !existsSync(path.resolve(fetched.workDir, entryPointName))
  ) {
    throw new MlflowError(
      'RESOURCE_DOES_NOT_EXIST',
      `No entry point or script ${entryPointName} in ${fetched.workDir}`,
    );
  }
  const resolved = resolveParameters(entryPoint, opts.parameters ?? {});
  const envManager = project.envType === 'docker_env' ? 'docker' : (opts.envManager ?? 'local');
  if (opts.envManager !== undefined && !ENV_MANAGERS.includes(opts.envManager)) {
    throw invalid(`Invalid value for env manager: '${opts.envManager}'. Must be one of ${ENV_MANAGERS.join(', ')}`);
  }
  if (envManager === 'npm' && project.spec.nodeEnv === undefined) {
    throw invalid(`--env-manager npm needs a node_env section in the MLproject file of ${fetched.workDir}`);
  }
  const commandParams = { ...resolved.params };
  return { uri, fetched, project, entryPointName, entryPoint, resolved, commandParams, envManager };
}

async function resolveExperimentId(client: MlflowClient, opts: RunProjectOptions, env: Env): Promise<string> {
  if (opts.experimentName && opts.experimentId)
    throw invalid("Specify only one of 'experiment_name' or 'experiment_id'.");
  if (opts.experimentId) return (await client.getExperiment(opts.experimentId)).experiment_id;
  const name =
    opts.experimentName ?? (opts.experimentId === undefined ? env.MLFLOW_EXPERIMENT_NAME?.trim() : undefined);
  if (name) {
    const existing = await client.getExperimentByName(name);
    return existing ? existing.experiment_id : client.createExperiment(name);
  }
  const id = env.MLFLOW_EXPERIMENT_ID?.trim();
  if (id) return (await client.getExperiment(id)).experiment_id;
  return '0';
}

async function sourceTags(prepared: PreparedProject, version: string | undefined): Promise<Record<string, string>> {
  const { fetched } = prepared;
  const workDir = fetched.workDir;
  const tags: Record<string, string> = {
    [MLFLOW_SOURCE_NAME]: fetched.local && version === undefined ? await gitUrlIfPresent(workDir) : prepared.uri,
    [MLFLOW_SOURCE_TYPE]: 'PROJECT',
    [MLFLOW_PROJECT_ENTRY_POINT]: prepared.entryPointName,
  };
  const commit = await gitCommitOf(workDir);
  if (commit) tags[MLFLOW_GIT_COMMIT] = commit;
  const repoUrl = await gitRepoUrl(workDir);
  if (repoUrl) tags[MLFLOW_GIT_REPO_URL] = repoUrl;
  if (await isGitBranch(workDir, version)) tags[MLFLOW_GIT_BRANCH] = version as string;
  return tags;
}

async function findCachedRun(
  client: MlflowClient,
  experimentId: string,
  tags: Record<string, string>,
  params: { key: string; value: string }[],
): Promise<Run | undefined> {
  const page = await client.searchRuns(experimentId, {
    filterString: "attributes.status = 'FINISHED'",
    orderBy: ['attributes.start_time DESC'],
    maxResults: 1000,
  });
  const want = new Map(params.map((p) => [p.key, p.value]));
  return page.items.find((run) => {
    const runTags = new Map(run.data.tags?.map((t) => [t.key, t.value]) ?? []);
    for (const key of [MLFLOW_SOURCE_NAME, MLFLOW_PROJECT_ENTRY_POINT, MLFLOW_GIT_COMMIT]) {
      if (runTags.get(key) !== tags[key]) return false;
    }
    const got = run.data.params ?? [];
    return got.length === want.size && got.every((p) => want.get(p.key) === p.value);
  });
}

/** Runs a project; see `RunProjectOptions`. Resolves once the run is started (or, when synchronous, ended). */
export async function runProject(uri: string, opts: RunProjectOptions = {}): Promise<SubmittedRun> {
  const env = opts.env ?? process.env;
  const output = opts.output ?? processOutput();
  const clientOf = () => opts.client ?? fluentSession().client();
  const prepared = await prepareProject(uri, { ...opts, output });
  prepared.commandParams = await resolvePathParameters(prepared, { ...opts, output }, clientOf);
  if (prepared.project.envType === 'python_env' || prepared.project.envType === 'conda_env') {
    output.info(
      `=== ${prepared.project.envConfigPath ?? prepared.project.envType} declares a Python environment; mlflow-ts does not ` +
        'build one: the entry point runs in this environment ===',
    );
  }
  const client = clientOf();
  const isDocker = prepared.envManager === 'docker';
  if (isDocker) assertDockerInstalled(env);
  const experimentId = await resolveExperimentId(client, opts, env);
  const params = projectRunParams(prepared.resolved);

  let run: Run;
  if (opts.runId !== undefined) {
    run = await client.getRun(opts.runId);
  } else {
    const tags: Record<string, string> = {
      [MLFLOW_USER]: currentUser(env),
      ...(await sourceTags(prepared, opts.version)),
      [MLFLOW_PROJECT_BACKEND]: 'local',
      [MLFLOW_PROJECT_ENV]: prepared.envManager,
    };
    const parentRunId = opts.parentRunId ?? fluentSession().activeRun()?.runId;
    if (parentRunId !== undefined) tags[MLFLOW_PARENT_RUN_ID] = parentRunId;
    if (opts.useCache) {
      const cached = await findCachedRun(client, experimentId, tags, params);
      if (cached) {
        output.info(`=== Reusing finished run (ID '${cached.info.run_id}') with the same parameters ===`);
        return new CompletedSubmittedRun(cached.info.run_id, 'FINISHED');
      }
    }
    run = await client.createRun(experimentId, {
      tags,
      ...(opts.runName !== undefined ? { runName: opts.runName } : {}),
    });
    for (let i = 0; i < params.length; i += 100)
      await client.logBatch(run.info.run_id, { params: params.slice(i, i + 100) });
  }
  const runId = run.info.run_id;

  let submitted: LocalSubmittedRun;
  try {
    const childEnv: Record<string, string | undefined> = {
      ...env,
      MLFLOW_RUN_ID: runId,
      MLFLOW_TRACKING_URI: trackingUriForChild(client.trackingUri),
      MLFLOW_EXPERIMENT_ID: run.info.experiment_id,
    };
    // The id names the experiment; a name inherited from our environment could name another one.
    delete childEnv.MLFLOW_EXPERIMENT_NAME;
    const commandParts: string[] = [];
    if (prepared.envManager === 'npm' && prepared.project.spec.nodeEnv !== undefined) {
      const installed = await installNodeEnv(prepared.fetched.workDir, prepared.project.spec.nodeEnv, output, env);
      childEnv.PATH = `${installed.binDir}${path.delimiter}${env.PATH ?? ''}`;
    }
    if (isDocker) {
      commandParts.push(...(await dockerCommand(prepared, opts, client, run, env, output)));
    }
    commandParts.push(entryPointCommand(prepared.entryPoint, prepared.commandParams, prepared.resolved.extra));
    const command = commandParts.join(' ');
    output.info(`=== Running command '${command}' in run with ID '${runId}' === `);
    const inherit = output.inherit === true;
    const child = spawn('bash', ['-c', command], {
      cwd: prepared.fetched.workDir,
      env: childEnv as NodeJS.ProcessEnv,
      // Own process group: signals are forwarded to the whole tree (see signal-forwarding.ts).
      detached: process.platform !== 'win32',
      stdio: ['ignore', inherit ? 'inherit' : 'pipe', inherit ? 'inherit' : 'pipe'],
      windowsHide: true,
    });
    child.stdout?.on('data', (b: Buffer) => output.stdout(b.toString()));
    child.stderr?.on('data', (b: Buffer) => output.stderr(b.toString()));
    submitted = new LocalSubmittedRun(runId, child, client, (status) => {
      if (status === 'FINISHED') output.info(`=== Run (ID '${runId}') succeeded ===`);
      else if (status === 'KILLED') output.info(`=== Run (ID '${runId}') interrupted, cancelling run ===`);
      else output.info(`=== Run (ID '${runId}') failed ===`);
    });
  } catch (e) {
    await client.setTerminated(runId, 'FAILED').catch(() => undefined);
    throw e;
  }
  forwardSignalsTo(submitted);
  if (opts.synchronous !== false && !(await submitted.wait())) {
    throw new MlflowError(
      'INTERNAL_ERROR',
      `Run (ID '${runId}') ${submitted.getStatus() === 'KILLED' ? 'was killed' : 'failed'}`,
    );
  }
  return submitted;
}

async function dockerCommand(
  prepared: PreparedProject,
  opts: RunProjectOptions,
  client: MlflowClient,
  run: Run,
  env: Env,
  output: ProjectOutput,
): Promise<string[]> {
  const dockerEnv = prepared.project.spec.dockerEnv;
  if (!dockerEnv)
    throw invalid(
      "Project with docker environment must specify the docker image to use via an 'image' field under the 'docker_env' field.",
    );
  if (!prepared.project.spec.name)
    throw invalid('Project name in MLProject must be specified when using docker for image tagging.');
  let image = dockerEnv.image;
  if (opts.buildImage) {
    const ctx = await buildDockerContext(prepared, opts);
    output.info(`=== Building docker image ${ctx.imageUri} ===`);
    await runDockerBuild(ctx, output);
    image = ctx.imageUri;
  }
  await client.setTag(run.info.run_id, MLFLOW_DOCKER_IMAGE_URI, image);
  return dockerRunCommand({
    image,
    runId: run.info.run_id,
    experimentId: run.info.experiment_id,
    trackingUri: client.trackingUri,
    artifactUri: run.info.artifact_uri,
    dockerEnv,
    hostEnv: env,
    ...(opts.dockerArgs ? { dockerArgs: opts.dockerArgs } : {}),
  }).map(shellQuote);
}

/** Writes the Docker build context of a prepared docker_env project (the `--build-image` files). */
export async function buildDockerContext(
  prepared: PreparedProject,
  opts: RunProjectOptions,
): Promise<DockerBuildContext> {
  const dockerEnv = prepared.project.spec.dockerEnv;
  if (!dockerEnv) throw invalid(`${prepared.fetched.workDir} is not a docker_env project`);
  const commit = await gitCommitOf(prepared.fetched.workDir);
  const imageUri = dockerImageUri(prepared.project.spec.name, commit);
  const outDir =
    opts.dockerContextDir ??
    path.join(
      opts.cacheDir ?? defaultProjectsCacheDir(opts.env),
      'docker',
      `${prepared.project.spec.name ?? 'docker-project'}-${Date.now()}`,
    );
  return writeDockerBuildContext(prepared.fetched.workDir, dockerEnv, imageUri, outDir);
}

function runDockerBuild(ctx: DockerBuildContext, output: ProjectOutput): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'docker',
      ['build', '-t', ctx.imageUri, '-f', path.join(ctx.contextDir, ctx.dockerfile), ctx.contextDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (b: Buffer) => output.stdout(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.stderr(b.toString()));
    child.on('error', (e) => reject(new MlflowError('INTERNAL_ERROR', `docker build failed: ${e.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new MlflowError('INTERNAL_ERROR', `docker build exited with code ${code ?? 'null'}`)),
    );
  });
}

export { dockerInstalled };
