/**
 * The flavor conformance suite, for built-in and third-party flavors alike:
 *
 *   runFlavorConformance('onnx', async () => ({ flavor: onnxFlavor(), model, input, tmpDir, cleanup }));
 *
 * `setup` runs before every test; `tmpDir` is a scratch directory the suite saves models under
 * (fresh sub-directories per save), `input` is what `predict` receives after schema enforcement and
 * `expected` the prediction the model must give for it, computed independently of the flavor (by
 * hand for a tiny model with known weights), so a flavor that returns the wrong numbers fails.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Flavor, LoadedModel } from '../flavor.js';
import type { MLmodel } from '../mlmodel/index.js';
import { MLMODEL_FILE_NAME, parseMLmodel } from '../mlmodel/index.js';
import type { EnforcedInput, Prediction } from '../model-input.js';
import { expectMlflowError } from './conformance-helpers.js';

export interface FlavorSetup {
  flavor: Flavor<any, any>;
  /** A model the flavor can save. */
  model: unknown;
  /** An input its saved model can predict on. */
  input: EnforcedInput;
  /**
   * What the saved and reloaded model must predict for `input`, in the flavor's output shape. Numbers
   * (also inside typed arrays) are compared to `precision` decimal digits, everything else exactly.
   */
  expected: Prediction;
  /** Decimal digits numbers must agree to (vitest's toBeCloseTo); default 5. */
  precision?: number;
  /** A writable scratch directory (the suite creates sub-directories in it). */
  tmpDir: string;
  cleanup?: () => Promise<void>;
}

function plain(v: unknown): unknown {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v;
}

/** Deep comparison of a prediction: numbers to `digits` decimals, typed arrays as arrays, the rest exactly. */
export function expectPredictionClose(actual: unknown, expected: unknown, digits = 5, at = 'prediction'): void {
  const a = plain(actual);
  const e = plain(expected);
  if (typeof e === 'number') {
    expect(typeof a, `${at} is a number`).toBe('number');
    if (Number.isNaN(e)) expect(a, at).toBeNaN();
    else expect(a as number, at).toBeCloseTo(e, digits);
  } else if (Array.isArray(e)) {
    expect(Array.isArray(a), `${at} is an array`).toBe(true);
    const arr = a as unknown[];
    expect(arr.length, `${at}.length`).toBe(e.length);
    e.forEach((item, i) => expectPredictionClose(arr[i], item, digits, `${at}[${i}]`));
  } else if (e !== null && typeof e === 'object') {
    expect(a !== null && typeof a === 'object', `${at} is an object`).toBe(true);
    const obj = a as Record<string, unknown>;
    expect(Object.keys(obj).sort(), `${at} keys`).toEqual(Object.keys(e).sort());
    for (const [k, v] of Object.entries(e)) expectPredictionClose(obj[k], v, digits, `${at}.${k}`);
  } else {
    expect(a, at).toEqual(e);
  }
}

/** A fresh scratch directory for a FlavorSetup (`tmpDir`) and the `cleanup` that removes it. */
export async function flavorScratchDir(prefix = 'flavor-conformance-'): Promise<{
  tmpDir: string;
  cleanup: () => Promise<void>;
}> {
  const tmpDir = await mkdtemp(join(tmpdir(), prefix));
  return { tmpDir, cleanup: () => rm(tmpDir, { recursive: true, force: true }) };
}

/** Flavors load native runtimes; give each test room for that. */
const FLAVOR_TEST_TIMEOUT_MS = 60_000;

export function runFlavorConformance(name: string, setup: () => Promise<FlavorSetup>): void {
  let counter = 0;
  const freshDir = (tmpDir: string) => join(tmpDir, `conformance-${process.pid}-${Date.now()}-${counter++}`);

  async function withFlavor(test: (s: FlavorSetup) => Promise<void>): Promise<void> {
    const s = await setup();
    try {
      await test(s);
    } finally {
      await s.cleanup?.();
    }
  }

  /** A test run on a fresh setup (cleaned up after), with room for a native runtime to load. */
  const flavorIt = (title: string, test: (s: FlavorSetup) => Promise<void>) =>
    it(title, () => withFlavor(test), FLAVOR_TEST_TIMEOUT_MS);

  async function readMLmodel(dir: string): Promise<MLmodel> {
    return parseMLmodel(await readFile(join(dir, MLMODEL_FILE_NAME), 'utf8'));
  }

  async function saveLoadPredict(s: FlavorSetup): Promise<Prediction> {
    const dir = freshDir(s.tmpDir);
    await s.flavor.save(s.model, dir);
    const loaded: LoadedModel = await s.flavor.load(dir, await readMLmodel(dir));
    try {
      return await loaded.predict(s.input);
    } finally {
      await loaded.dispose?.();
    }
  }

  describe(`Flavor conformance: ${name}`, () => {
    flavorIt('declares the v1 contract, a name and a config schema', async ({ flavor }) => {
      expect(flavor.specificationVersion).toBe('v1');
      expect(typeof flavor.name).toBe('string');
      expect(flavor.name).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(typeof flavor.configSchema.safeParse).toBe('function');
      expect(typeof flavor.save).toBe('function');
      expect(typeof flavor.load).toBe('function');
    });

    flavorIt('saves an MLmodel whose flavor section validates against its schema', async (s) => {
      const dir = freshDir(s.tmpDir);
      const returned = await s.flavor.save(s.model, dir);
      const written = await readMLmodel(dir);
      const section = written.flavors[s.flavor.name];
      expect(section, `MLmodel declares flavor '${s.flavor.name}'`).toBeDefined();
      const parsed = s.flavor.configSchema.safeParse(section);
      expect(parsed.success, parsed.success ? '' : String(parsed.error)).toBe(true);
      expect(returned.flavors[s.flavor.name]).toEqual(section);
      expect(await readdir(dir)).toContain(MLMODEL_FILE_NAME);
    });

    flavorIt('loads what it saved and predicts the expected values', async (s) => {
      const dir = freshDir(s.tmpDir);
      await s.flavor.save(s.model, dir);
      const mlmodel = await readMLmodel(dir);
      const loaded = await s.flavor.load(dir, mlmodel);
      try {
        expect(loaded.metadata.flavors[s.flavor.name]).toBeDefined();
        expectPredictionClose(await loaded.predict(s.input), s.expected, s.precision ?? 5);
      } finally {
        await loaded.dispose?.();
      }
    });

    flavorIt('gives identical predictions from two save→load round trips', async (s) => {
      const first = await saveLoadPredict(s);
      const second = await saveLoadPredict(s);
      expect(second).toEqual(first);
    });

    flavorIt('saves into an existing empty directory', async (s) => {
      const dir = freshDir(s.tmpDir);
      await mkdir(dir, { recursive: true });
      await s.flavor.save(s.model, dir);
      expect((await readMLmodel(dir)).flavors[s.flavor.name]).toBeDefined();
    });

    flavorIt('refuses to save into a non-empty directory', async (s) => {
      const dir = freshDir(s.tmpDir);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'existing.txt'), 'keep me');
      await expectMlflowError(s.flavor.save(s.model, dir), 'RESOURCE_ALREADY_EXISTS');
      expect(await readdir(dir)).toEqual(['existing.txt']);
      expect(await readFile(join(dir, 'existing.txt'), 'utf8')).toBe('keep me');
    });
  });
}
