import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { getEntryPoint } from './entry-point.js';
import { entryPointCommand, projectRunParams, resolveParameters } from './parameters.js';
import { parseMlproject } from './project-spec.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../test/fixtures/mlprojects');

interface Recorded {
  name: string | null;
  entry_points: Record<
    string,
    {
      user: Record<string, string>;
      params: Record<string, string>;
      extra: Record<string, string>;
      command: string;
      defaults: Record<string, string | null>;
      types: Record<string, string>;
    }
  >;
}
/** What MLflow 3.6's EntryPoint.compute_parameters/compute_command return for each fixture (recorded). */
const recorded = JSON.parse(readFileSync(path.join(here, 'testdata/mlflow-computed-commands.json'), 'utf8')) as Record<
  string,
  Recorded
>;

describe('MLflow example projects', () => {
  const names = readdirSync(fixtures).sort();
  it('covers every recorded fixture', () => {
    expect(names).toEqual(Object.keys(recorded).sort());
    expect(names.length).toBe(6);
  });
  for (const name of names) {
    it(`${name}: parses and fills every command as MLflow does`, () => {
      const spec = parseMlproject(readFileSync(path.join(fixtures, name, 'MLproject'), 'utf8'));
      const want = recorded[name]!;
      expect(spec.name ?? null).toBe(want.name);
      expect(Object.keys(spec.entryPoints).sort()).toEqual(Object.keys(want.entry_points).sort());
      for (const [epName, w] of Object.entries(want.entry_points)) {
        const ep = getEntryPoint(spec, epName);
        expect(Object.fromEntries(ep.parameters.map((p) => [p.name, p.type]))).toEqual(w.types);
        expect(Object.fromEntries(ep.parameters.map((p) => [p.name, p.default ?? null]))).toEqual(w.defaults);
        const resolved = resolveParameters(ep, w.user);
        const logged = Object.fromEntries(projectRunParams(resolved).map((p) => [p.key, p.value]));
        expect(logged).toEqual({ ...w.params, ...w.extra });
        expect(entryPointCommand(ep, resolved.params, resolved.extra)).toBe(w.command);
      }
    });
  }

  it('keeps the environment sections', () => {
    const docker = parseMlproject(readFileSync(path.join(fixtures, 'docker/MLproject'), 'utf8'));
    expect(docker.envField).toBe('docker_env');
    expect(docker.dockerEnv).toEqual({ image: 'mlflow-docker-example' });
    const conda = parseMlproject(readFileSync(path.join(fixtures, 'example_project/MLproject'), 'utf8'));
    expect(conda).toMatchObject({ envField: 'conda_env', condaEnv: 'conda.yaml' });
    const venv = parseMlproject(readFileSync(path.join(fixtures, 'example_virtualenv_project/MLproject'), 'utf8'));
    expect(venv).toMatchObject({ envField: 'python_env', pythonEnv: 'python_env.yaml' });
  });
});

describe('parseMlproject', () => {
  it('reads node_env as a directory or a package list', () => {
    expect(parseMlproject('node_env: env\nentry_points: {main: {command: node a.js}}').nodeEnv).toBe('env');
    expect(parseMlproject('node_env: [lodash@4, ./pkg]\n').nodeEnv).toEqual(['lodash@4', './pkg']);
    expect(catchMlflowError(() => parseMlproject('node_env: 3\n')).message).toMatch(/node_env/);
  });

  it('an empty file is a project without entry points', () => {
    expect(parseMlproject('')).toEqual({ entryPoints: {} });
  });

  it("refuses two of MLflow's environment fields", () => {
    expect(catchMlflowError(() => parseMlproject('conda_env: c.yaml\npython_env: p.yaml\n')).message).toBe(
      "Project cannot contain multiple environment fields: {'conda_env', 'python_env'}",
    );
  });

  it('checks docker_env as MLflow does', () => {
    expect(catchMlflowError(() => parseMlproject('docker_env: {volumes: [a]}\n')).message).toBe(
      'Project configuration (MLproject file) was invalid: Docker environment specified but no image attribute found.',
    );
    expect(catchMlflowError(() => parseMlproject('docker_env: {image: x, volumes: [1]}\n')).message).toMatch(
      /Docker volumes must be a list of strings/,
    );
    expect(catchMlflowError(() => parseMlproject('docker_env: {image: x, environment: [[A]]}\n')).message).toMatch(
      /environment must be a list containing either strings/,
    );
    expect(parseMlproject('docker_env: {image: x, environment: [[A, b], HOME]}\n').dockerEnv).toEqual({
      image: 'x',
      environment: [['A', 'b'], 'HOME'],
    });
  });

  it('bad YAML and bad structure are one INVALID_PARAMETER_VALUE line', () => {
    const bad = catchMlflowError(() => parseMlproject('entry_points: [unclosed\n'));
    expect(bad.code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.message).toMatch(/^Invalid YAML in MLproject file: /);
    expect(catchMlflowError(() => parseMlproject('- a\n- b\n')).message).toMatch(/must be a YAML mapping/);
    expect(catchMlflowError(() => parseMlproject('entry_points: {main: {parameters: {}}}\n')).message).toMatch(
      /entry_points\.main\.command: an entry point needs a command string/,
    );
  });

  it("prints defaults with Python's str()", () => {
    const spec = parseMlproject(
      'entry_points:\n  main:\n    parameters:\n      a: {type: float, default: 1.0}\n      b: {type: float, default: 1e-1}\n' +
        '      c: {type: float, default: 0.00001}\n      d: {type: string, default: yes}\n      e: {type: int, default: 0x10}\n' +
        '      f: {default: ~}\n    command: "x"\n',
    );
    expect(spec.entryPoints.main!.parameters).toEqual([
      { name: 'a', type: 'float', default: '1.0' },
      { name: 'b', type: 'float', default: '1e-1' },
      { name: 'c', type: 'float', default: '1e-05' },
      { name: 'd', type: 'string', default: 'True' },
      { name: 'e', type: 'int', default: '16' },
      { name: 'f', type: 'string' },
    ]);
  });
});

describe('getEntryPoint', () => {
  const spec = parseMlproject('entry_points: {main: {command: "echo hi"}, other: {command: "x"}}');
  it('runs script files by extension when no entry point has the name', () => {
    expect(getEntryPoint(spec, 'train.py').command).toBe('python train.py');
    expect(getEntryPoint(spec, 'job.sh', { SHELL: '/bin/zsh' }).command).toBe('/bin/zsh job.sh');
    expect(getEntryPoint(spec, 'my script.mjs').command).toBe("node 'my script.mjs'");
  });
  it("names the entry points when it finds none (MLflow's message)", () => {
    expect(catchMlflowError(() => getEntryPoint(spec, 'nope')).message).toBe(
      "Could not find nope among entry points ['main', 'other'] or interpret nope as a runnable script. " +
        "Supported script file extensions: ['.py', '.sh', '.js', '.mjs', '.cjs']",
    );
  });
});
