/**
 * Choosing the entry point to run (MLflow's `Project.get_entry_point`): one named in the MLproject,
 * else a script file run by its interpreter — MLflow's `.py` (python) and `.sh` ($SHELL), and
 * mlflow-ts's `.js`/`.mjs`/`.cjs` (node).
 */
import { MlflowError } from '../errors.js';
import type { ProjectEntryPoint, ProjectSpec } from './project-spec.js';
import { shellQuote } from './shell-quote.js';

const SCRIPT_INTERPRETERS: Readonly<Record<string, (env: Readonly<Record<string, string | undefined>>) => string>> = {
  '.py': () => 'python',
  '.sh': (env) => env.SHELL || 'bash',
  '.js': () => 'node',
  '.mjs': () => 'node',
  '.cjs': () => 'node',
};

function extension(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot) : '';
}

function pyList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i}'`).join(', ')}]`;
}

export function getEntryPoint(
  project: ProjectSpec,
  entryPoint: string,
  env: Readonly<Record<string, string | undefined>> = {},
): ProjectEntryPoint {
  const named = Object.hasOwn(project.entryPoints, entryPoint) ? project.entryPoints[entryPoint] : undefined;
  if (named) return named;
  const interpreter = SCRIPT_INTERPRETERS[extension(entryPoint)];
  if (interpreter)
    return { name: entryPoint, parameters: [], command: `${interpreter(env)} ${shellQuote(entryPoint)}` };
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Could not find ${entryPoint} among entry points ${pyList(Object.keys(project.entryPoints))} or interpret ` +
      `${entryPoint} as a runnable script. Supported script file extensions: ${pyList(Object.keys(SCRIPT_INTERPRETERS))}`,
  );
}
