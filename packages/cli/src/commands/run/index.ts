/**
 * `mlflow-ts run <uri>`: MLflow's `mlflow run` — run an entry point of an MLflow project (a directory or
 * a git URI, `#subdir` allowed) as a tracked run. Every user error (no project, bad MLproject, unknown
 * entry point, missing or mistyped parameter, unknown git ref) is one line and exit code 1 before a run
 * exists; a failed entry point is exit code 1 with the run FAILED; Ctrl-C or SIGTERM is forwarded to
 * the entry point and the run ends KILLED (the process then ends by that signal).
 */
import { Command, Option } from 'commander';
import {
  ENV_MANAGERS,
  buildDockerContext,
  dockerInstalled,
  prepareProject,
  runProject,
  type ProjectOutput,
  type RunProjectOptions,
} from '@mlflow-ts/client';
import type { CliContext } from '../../cli-context.js';
import { collect, withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';

interface RunOpts {
  entryPoint: string;
  version?: string;
  paramList?: string[];
  dockerArgs?: string[];
  experimentName?: string;
  experimentId?: string;
  runName?: string;
  runId?: string;
  envManager?: 'local' | 'npm';
  storageDir?: string;
  buildImage?: boolean;
  dockerContextDir?: string;
  cacheDir?: string;
  backendStoreUri?: string;
}

/** MLflow's `_user_args_to_dict`: `name=value` pairs; for `-A`, a bare `name` is a flag. */
export function userArgsToDict(args: readonly string[], argumentType: 'P' | 'A'): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    let name: string;
    let value: string | true;
    if (eq < 0 && argumentType === 'A') {
      name = arg;
      value = true;
    } else if (eq >= 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else {
      throw new UsageError(`Invalid format for -${argumentType} parameter: '${arg}'. Use -${argumentType} name=value.`);
    }
    if (Object.hasOwn(out, name)) throw new UsageError(`Repeated parameter: '${name}'`);
    out[name] = value;
  }
  return out;
}

function outputOf(ctx: CliContext): ProjectOutput {
  return {
    stdout: (t) => ctx.io.stdout(t),
    stderr: (t) => ctx.io.stderr(t),
    info: (line) => ctx.io.stderr(`${line}\n`),
    // Run as the real program (not embedded with captured IO): the entry point gets our terminal.
    inherit: ctx.io.env === process.env,
  };
}

export function runCommand(ctx: CliContext): Command {
  const cmd = new Command('run')
    .description('run an MLflow project (a directory or a git URI, uri#subdir) as a tracked run')
    .argument('<uri>', 'project directory or git repository URI')
    .option('-e, --entry-point <name>', 'entry point, or a .py/.sh/.js script of the project', 'main')
    .option('-v, --version <ref>', 'git commit, branch or tag to run (git projects)')
    .option(
      '-P, --param-list <name=value>',
      'a parameter; undeclared ones are passed as --name value (repeatable)',
      collect,
    )
    .option('-A, --docker-args <name[=value]>', 'a docker run option, e.g. -A gpus=all or -A t (repeatable)', collect)
    .option('--experiment-name <name>', 'experiment to run in (created if missing; default $MLFLOW_EXPERIMENT_NAME)')
    .option('--experiment-id <id>', 'experiment id to run in (default $MLFLOW_EXPERIMENT_ID, else 0)')
    .option('--run-name <name>', 'name of the run')
    .option('--run-id <id>', 'report into this existing run instead of creating one')
    .addOption(
      new Option('--env-manager <manager>', 'local: this environment; npm: install the node_env first').choices([
        ...ENV_MANAGERS,
      ]),
    )
    .option('--storage-dir <dir>', "where remote URIs given to 'path' parameters are downloaded")
    .option(
      '--build-image',
      'docker projects: build an image of the project on docker_env.image (writes the build context)',
    )
    .option('--docker-context-dir <dir>', 'where --build-image writes the Docker build context')
    .option(
      '--cache-dir <dir>',
      'where git projects are mirrored and checked out (default ~/.cache/mlflow-ts/projects)',
    );
  withStoreOption(cmd);
  cmd.action(async (uri: string, opts: RunOpts) => {
    const env = ctx.io.env;
    if (opts.experimentName !== undefined && opts.experimentId !== undefined) {
      throw new UsageError("Specify only one of 'experiment-name' or 'experiment-id' options.");
    }
    const parameters = userArgsToDict(opts.paramList ?? [], 'P') as Record<string, string>;
    const dockerArgs = userArgsToDict(opts.dockerArgs ?? [], 'A');
    const output = outputOf(ctx);
    const runOpts: RunProjectOptions = {
      entryPoint: opts.entryPoint,
      parameters,
      dockerArgs,
      env,
      output,
      client: ctx.client(opts.backendStoreUri),
      ...(opts.version !== undefined ? { version: opts.version } : {}),
      ...(opts.experimentName !== undefined ? { experimentName: opts.experimentName } : {}),
      ...(opts.experimentId !== undefined ? { experimentId: opts.experimentId } : {}),
      ...(opts.runName !== undefined ? { runName: opts.runName } : {}),
      ...(opts.runId !== undefined ? { runId: opts.runId } : {}),
      ...(opts.envManager !== undefined ? { envManager: opts.envManager } : {}),
      ...(opts.storageDir !== undefined ? { storageDir: opts.storageDir } : {}),
      ...(opts.buildImage ? { buildImage: true } : {}),
      ...(opts.dockerContextDir !== undefined ? { dockerContextDir: opts.dockerContextDir } : {}),
      ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
    };
    if (opts.buildImage && !dockerInstalled(env)) {
      // No engine to build or run with: write what it would build, say how, and create no run.
      const prepared = await prepareProject(uri, runOpts);
      if (prepared.envManager !== 'docker') throw new UsageError('--build-image is only valid for docker_env projects');
      const built = await buildDockerContext(prepared, runOpts);
      ctx.print(`Wrote the Docker build context of image ${built.imageUri} to ${built.contextDir}`);
      ctx.print(`Dockerfile: ${built.dockerfile}`);
      ctx.print('Docker is not installed here, so no run was started. Build the image with:');
      ctx.print(`  ${built.buildCommand}`);
      return;
    }
    const submitted = await runProject(uri, { ...runOpts, synchronous: false });
    if (!(await submitted.wait())) {
      throw new UsageError(
        `Run (ID '${submitted.runId}') ${submitted.getStatus() === 'KILLED' ? 'was killed' : 'failed'}`,
      );
    }
  });
  return cmd;
}
