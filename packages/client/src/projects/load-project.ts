/**
 * Reading a project directory (MLflow's `load_project`): the MLproject file (any capitalisation), and
 * which environment it declares, with the file checks MLflow makes (a named `python_env` or
 * `conda_env` file must exist; without one, `python_env.yaml` or `conda.yaml` in the directory counts).
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError, parseMlproject, type ProjectSpec } from '@mlflow-ts/format';

export type ProjectEnvType = 'docker_env' | 'python_env' | 'conda_env' | 'none';

export interface LoadedProject {
  dir: string;
  /** The MLproject file, or undefined when the directory has none (then only script entry points run). */
  mlprojectPath?: string;
  spec: ProjectSpec;
  envType: ProjectEnvType;
  /** The python_env / conda env file MLflow would use (reported; mlflow-ts does not build Python envs). */
  envConfigPath?: string;
}

export async function findMlproject(dir: string): Promise<string | undefined> {
  const names = await readdir(dir);
  const name = names.find((n) => n.toLowerCase() === 'mlproject');
  return name === undefined ? undefined : path.join(dir, name);
}

export async function loadProject(dir: string): Promise<LoadedProject> {
  const mlprojectPath = await findMlproject(dir);
  const spec =
    mlprojectPath === undefined ? { entryPoints: {} } : parseMlproject(await readFile(mlprojectPath, 'utf8'));
  const project: LoadedProject = { dir, spec, envType: 'none', ...(mlprojectPath ? { mlprojectPath } : {}) };
  if (spec.envField === 'docker_env') {
    project.envType = 'docker_env';
    return project;
  }
  const named = spec.pythonEnv ?? spec.condaEnv;
  if (named !== undefined && spec.envField !== undefined) {
    const file = path.join(dir, named);
    if (!existsSync(file)) {
      throw new MlflowError(
        'RESOURCE_DOES_NOT_EXIST',
        spec.envField === 'python_env'
          ? `Project specified python_env file ${file}, but no such file was found.`
          : `Project specified conda environment file ${file}, but no such file was found.`,
      );
    }
    return { ...project, envType: spec.envField, envConfigPath: file };
  }
  for (const [file, envType] of [
    ['python_env.yaml', 'python_env'],
    ['conda.yaml', 'conda_env'],
  ] as const) {
    if (existsSync(path.join(dir, file))) return { ...project, envType, envConfigPath: path.join(dir, file) };
  }
  return project;
}
