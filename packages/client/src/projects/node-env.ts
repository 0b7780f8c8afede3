/**
 * `node_env`, mlflow-ts's counterpart of MLflow's python_env: before the entry point runs,
 * `--env-manager npm` installs either the npm project in the named directory (`npm ci` when it has a
 * lockfile, else `npm install`) or the listed packages into the project directory
 * (`npm install --no-save`). The installed binaries are put first on the entry point's PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MlflowError, type NodeEnv } from '@mlflow-ts/format';
import type { ProjectOutput } from './output.js';

export interface NodeEnvInstall {
  /** The directory whose node_modules was installed. */
  dir: string;
  /** Prepend to PATH for the entry point. */
  binDir: string;
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function runNpm(
  args: string[],
  cwd: string,
  output: ProjectOutput,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(npmCommand(), args, {
      cwd,
      env: { ...env, npm_config_update_notifier: 'false' } as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    child.stdout.on('data', (b: Buffer) => output.stdout(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.stderr(b.toString()));
    child.on('error', (e) => reject(new MlflowError('INTERNAL_ERROR', `Could not run npm: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new MlflowError('INTERNAL_ERROR', `npm ${args[0]} in ${cwd} exited with code ${code ?? 'null'}`));
    });
  });
}

export async function installNodeEnv(
  projectDir: string,
  nodeEnv: NodeEnv,
  output: ProjectOutput,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<NodeEnvInstall> {
  const common = ['--no-audit', '--no-fund'];
  if (typeof nodeEnv === 'string') {
    const dir = path.resolve(projectDir, nodeEnv);
    if (!existsSync(path.join(dir, 'package.json'))) {
      throw new MlflowError(
        'RESOURCE_DOES_NOT_EXIST',
        `Project specified node_env directory ${dir}, but it has no package.json.`,
      );
    }
    const hasLock =
      existsSync(path.join(dir, 'package-lock.json')) || existsSync(path.join(dir, 'npm-shrinkwrap.json'));
    output.info(`=== Installing node_env ${dir} (npm ${hasLock ? 'ci' : 'install'}) ===`);
    await runNpm([hasLock ? 'ci' : 'install', ...common], dir, output, env);
    return { dir, binDir: path.join(dir, 'node_modules', '.bin') };
  }
  output.info(`=== Installing node_env packages ${nodeEnv.join(' ')} into ${projectDir} ===`);
  // `--` so that a package spec can never be read as an npm option.
  await runNpm(['install', ...common, '--no-save', '--no-package-lock', '--', ...nodeEnv], projectDir, output, env);
  return { dir: projectDir, binDir: path.join(projectDir, 'node_modules', '.bin') };
}
