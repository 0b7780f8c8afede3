/**
 * Third-party flavors through `--flavor <package-or-path>`: the example `linear` flavor
 * (examples/flavor-custom, package `mlflow-ts-flavor-linear`) loaded by the compiled CLI in its own
 * process, by path and by package name, for predict, serve and save; and the errors for modules
 * that are not flavors.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flavor } from '@mlflow-ts/format';
import { repoRoot, runCli, tempDir } from './cli-harness.js';
import { ensureCliBuilt, ensurePackageBuilt, runBuiltCli, spawnCli, stopProcess, waitForOutput } from './built-cli.js';

const pluginRoot = path.join(repoRoot, 'examples/flavor-custom');
const pluginDist = path.join(pluginRoot, 'dist/index.js');

let tmp: string;
let cleanup: () => Promise<void>;
/** y = 2·x0 − x1 + 0.5·x2 + 0.25, saved with the plugin's own API. */
let regressionDir: string;
let input: string;
const ROWS = [
  [1, 2, 3],
  [0, 0, 0],
  [-1, 0.5, 4],
];
const EXPECTED = ROWS.map(([a, b, c]) => 2 * a! - b! + 0.5 * c! + 0.25);

beforeAll(async () => {
  ({ dir: tmp, cleanup } = await tempDir('mlflow-ts-flavor-plugin-'));
  // The spawned CLI runs plain node, so it imports the plugin's compiled dist/.
  await Promise.all([ensurePackageBuilt(pluginRoot), ensureCliBuilt()]);
  const plugin = (await import(pathToFileURL(pluginDist).href)) as { linearFlavor: () => Flavor<unknown> };
  regressionDir = path.join(tmp, 'regression');
  await plugin
    .linearFlavor()
    .save({ weights: [[2], [-1], [0.5]], bias: [0.25], activation: 'identity' }, regressionDir);
  input = path.join(tmp, 'rows.json');
  await writeFile(input, JSON.stringify({ inputs: ROWS }));
}, 120_000);

afterAll(async () => {
  await cleanup();
});

function predictions(stdout: string): unknown {
  return (JSON.parse(stdout) as { predictions: unknown }).predictions;
}

describe('models predict/serve --flavor', () => {
  it('a spawned `models predict --flavor <path>` returns the hand-computed predictions', async () => {
    const r = await runBuiltCli(['models', 'predict', '--flavor', pluginDist, '-m', regressionDir, '-i', input]);
    expect(r.code, r.stderr).toBe(0);
    const got = predictions(r.stdout) as number[];
    expect(got).toHaveLength(3);
    got.forEach((y, i) => expect(y).toBeCloseTo(EXPECTED[i]!, 12));
  });

  it('resolves a package name from the working directory, and a relative path against it', async () => {
    const byName = await runBuiltCli(
      ['models', 'predict', '--flavor', 'mlflow-ts-flavor-linear', '-m', regressionDir, '-i', input],
      { cwd: repoRoot },
    );
    expect(byName.code, byName.stderr).toBe(0);
    const byRelative = await runBuiltCli(
      ['models', 'predict', '--flavor', './dist/index.js', '-m', regressionDir, '-i', input],
      { cwd: pluginRoot },
    );
    expect(byRelative.code, byRelative.stderr).toBe(0);
    expect(byName.stdout).toBe(byRelative.stdout);
    expect((predictions(byName.stdout) as number[])[0]).toBeCloseTo(EXPECTED[0]!, 12);
  });

  it('without --flavor the model cannot be loaded, and the error says which flavors it declares', async () => {
    const r = await runBuiltCli(['models', 'predict', '-m', regressionDir, '-i', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^Error \(INVALID_PARAMETER_VALUE\): No flavor can load .*declares \[linear\].*onnx, tfjs/,
    );
  });

  it('a spawned `models serve --flavor` answers /invocations with the plugin model', async () => {
    const serve = spawnCli([
      'models',
      'serve',
      '--flavor',
      pluginDist,
      '-m',
      regressionDir,
      '-p',
      '0',
      '--no-request-log',
    ]);
    try {
      const url = (await waitForOutput(serve, /at (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
      const res = await fetch(`${url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: ROWS }),
      });
      expect(res.status).toBe(200);
      const got = ((await res.json()) as { predictions: number[] }).predictions;
      got.forEach((y, i) => expect(y).toBeCloseTo(EXPECTED[i]!, 12));
    } finally {
      expect(await stopProcess(serve)).toEqual({ code: 0, signal: null });
    }
  }, 60_000);
});

describe('models inspect --flavor', () => {
  it("says which flavor would serve the model, checking its MLmodel section with that flavor's schema", async () => {
    const without = JSON.parse((await runCli(['models', 'inspect', regressionDir, '--json'])).stdout) as Record<
      string,
      unknown
    >;
    expect(without).toMatchObject({ mlflow_ts_flavor: null, mlflow_ts_flavors_available: ['onnx', 'tfjs'] });
    const withPlugin = await runCli(['models', 'inspect', regressionDir, '--json', '--flavor', pluginDist]);
    expect(withPlugin.code, withPlugin.stderr).toBe(0);
    expect(JSON.parse(withPlugin.stdout)).toMatchObject({
      mlflow_ts_flavor: 'linear',
      mlflow_ts_flavors_available: ['linear', 'onnx', 'tfjs'],
    });
    const human = await runCli(['models', 'inspect', regressionDir, '--flavor', pluginDist]);
    expect(human.stdout).toContain('Served by mlflow-ts with flavor: linear\n');

    const broken = path.join(tmp, 'broken-section');
    await cp(regressionDir, broken, { recursive: true });
    const mlmodel = await readFile(path.join(broken, 'MLmodel'), 'utf8');
    await writeFile(path.join(broken, 'MLmodel'), mlmodel.replace(/n_features: 3/, 'n_features: three'));
    const r = await runCli(['models', 'inspect', broken, '--flavor', pluginDist]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error \(INVALID_PARAMETER_VALUE\): Invalid MLmodel .*: flavors\.linear\.n_features: /);
  });
});

describe('models save --flavor <module>', () => {
  it('saves a JSON model file with the plugin flavor; predict then scores it (softmax, 2 outputs)', async () => {
    const modelJson = path.join(tmp, 'softmax.json');
    await writeFile(
      modelJson,
      JSON.stringify({
        weights: [
          [1, -1],
          [0, 2],
        ],
        bias: [0, 0.5],
        activation: 'softmax',
      }),
    );
    const out = path.join(tmp, 'saved-softmax');
    const saved = await runCli(['models', 'save', '--flavor', pluginDist, '--file', modelJson, '-o', out]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/^Saved linear model to /);
    const mlmodel = await readFile(path.join(out, 'MLmodel'), 'utf8');
    expect(mlmodel).toMatch(/^ {2}linear:$/m);
    expect(JSON.parse(await readFile(path.join(out, 'node_env.json'), 'utf8'))).toMatchObject({
      dependencies: { 'mlflow-ts-flavor-linear': expect.any(String) },
    });

    const rows = path.join(tmp, 'two.json');
    await writeFile(rows, JSON.stringify({ inputs: [[1, 1]] }));
    const r = await runBuiltCli(['models', 'predict', '--flavor', pluginDist, '-m', out, '-i', rows]);
    expect(r.code, r.stderr).toBe(0);
    // logits [1, 1.5] → softmax
    const e = Math.exp(-0.5);
    const [p0, p1] = (predictions(r.stdout) as number[][])[0] ?? [];
    expect(p0).toBeCloseTo(e / (1 + e), 12);
    expect(p1).toBeCloseTo(1 / (1 + e), 12);
  });

  it('a bad model file is refused by the plugin with its own message', async () => {
    const bad = path.join(tmp, 'bad-linear.json');
    await writeFile(bad, JSON.stringify({ weights: [[1, 2]], bias: [0], activation: 'identity' }));
    const r = await runCli(['models', 'save', '--flavor', pluginDist, '--file', bad, '-o', path.join(tmp, 'never')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('weights[0] has 2 values but bias has 1');
  });
});

describe('models generate-dockerfile --flavor <package>', () => {
  it('installs the flavor package in the image and passes it to models serve', async () => {
    const out = path.join(tmp, 'docker-ctx');
    const r = await runCli([
      'models',
      'generate-dockerfile',
      '-m',
      regressionDir,
      '-d',
      out,
      '--flavor',
      'mlflow-ts-flavor-linear',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const dockerfile = await readFile(path.join(out, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain(
      'ENTRYPOINT ["node_modules/.bin/mlflow-ts", "models", "serve", "-m", "/opt/ml/model", "--host", "0.0.0.0", "-p", "8080", "--flavor", "mlflow-ts-flavor-linear"]',
    );
    const pkg = JSON.parse(await readFile(path.join(out, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    // The version the model's node_env.json recorded, not just any.
    const { version } = JSON.parse(await readFile(path.join(pluginRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(pkg.dependencies['mlflow-ts-flavor-linear']).toBe(`^${version}`);
    const byPath = await runCli([
      'models',
      'generate-dockerfile',
      '-m',
      regressionDir,
      '-d',
      path.join(tmp, 'never'),
      '--flavor',
      pluginDist,
    ]);
    expect(byPath.code).toBe(1);
    expect(byPath.stderr).toContain('is a path; the image installs flavors from npm');
  });
});

describe('--flavor errors name the module', () => {
  let modules: string;
  beforeAll(async () => {
    modules = path.join(tmp, 'modules');
    await mkdir(modules);
    await writeFile(path.join(modules, 'number.mjs'), 'export default 42;\n');
    await writeFile(path.join(modules, 'nothing.mjs'), 'export const helper = 1;\n');
    await writeFile(
      path.join(modules, 'v2.mjs'),
      "export const flavor = () => ({ specificationVersion: 'v2', name: 'x', save() {}, load() {} });\n",
    );
    await writeFile(
      path.join(modules, 'no-load.mjs'),
      "export default { specificationVersion: 'v1', name: 'x', save() {} };\n",
    );
    await writeFile(path.join(modules, 'throws.mjs'), "export default () => { throw new Error('no licence'); };\n");
    await writeFile(path.join(modules, 'broken.mjs'), 'export default {;\n');
  });

  it.each([
    ['number.mjs', 'exports number, not a flavor'],
    ['nothing.mjs', "has neither a default export nor a 'flavor' export (it exports: helper)"],
    ['v2.mjs', "is written for flavor specification 'v2'; this CLI supports 'v1'"],
    ['no-load.mjs', 'exports a flavor without load'],
    ['throws.mjs', 'its flavor factory threw: no licence'],
    ['broken.mjs', 'Cannot import flavor module'],
  ])('%s', async (file, message) => {
    const spec = path.join(modules, file);
    const r = await runCli(['models', 'predict', '--flavor', spec, '-m', regressionDir, '-i', input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: /);
    expect(r.stderr).toContain(spec);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown package name says where it was looked up', async () => {
    const r = await runCli([
      'models',
      'serve',
      '--flavor',
      'mlflow-ts-flavor-does-not-exist',
      '-m',
      regressionDir,
      '-p',
      '0',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: Cannot find flavor module 'mlflow-ts-flavor-does-not-exist' from /);
  });
});
