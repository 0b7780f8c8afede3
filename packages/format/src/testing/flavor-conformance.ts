/**
 * The flavor conformance suite, for built-in and third-party flavors alike:
 *
 *   runFlavorConformance('onnx', async () => ({ flavor: onnxFlavor(), model, input, tmpDir, cleanup }));
 *
 * `setup` runs before every test; `tmpDir` is a scratch directory the suite saves models under
 * (fresh sub-directories per save), `input` is what `predict` receives after schema enforcement.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
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
  /** A writable scratch directory (the suite creates sub-directories in it). */
  tmpDir: string;
  cleanup?: () => Promise<void>;
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
    it('declares the v1 contract, a name and a config schema', () =>
      withFlavor(async ({ flavor }) => {
        expect(flavor.specificationVersion).toBe('v1');
        expect(typeof flavor.name).toBe('string');
        expect(flavor.name).toMatch(/^[A-Za-z0-9_.-]+$/);
        expect(typeof flavor.configSchema.safeParse).toBe('function');
        expect(typeof flavor.save).toBe('function');
        expect(typeof flavor.load).toBe('function');
      }), FLAVOR_TEST_TIMEOUT_MS);

    it('saves an MLmodel whose flavor section validates against its schema', () =>
      withFlavor(async (s) => {
        const dir = freshDir(s.tmpDir);
        const returned = await s.flavor.save(s.model, dir);
        const written = await readMLmodel(dir);
        const section = written.flavors[s.flavor.name];
        expect(section, `MLmodel declares flavor '${s.flavor.name}'`).toBeDefined();
        const parsed = s.flavor.configSchema.safeParse(section);
        expect(parsed.success, parsed.success ? '' : String(parsed.error)).toBe(true);
        expect(returned.flavors[s.flavor.name]).toEqual(section);
        expect(await readdir(dir)).toContain(MLMODEL_FILE_NAME);
      }), FLAVOR_TEST_TIMEOUT_MS);

    it('loads what it saved and predicts', () =>
      withFlavor(async (s) => {
        const dir = freshDir(s.tmpDir);
        await s.flavor.save(s.model, dir);
        const mlmodel = await readMLmodel(dir);
        const loaded = await s.flavor.load(dir, mlmodel);
        try {
          expect(loaded.metadata.flavors[s.flavor.name]).toBeDefined();
          const prediction = await loaded.predict(s.input);
          expect(prediction).not.toBeNull();
          expect(typeof prediction).toBe('object');
          const size = Array.isArray(prediction) ? prediction.length : Object.keys(prediction).length;
          expect(size).toBeGreaterThan(0);
        } finally {
          await loaded.dispose?.();
        }
      }), FLAVOR_TEST_TIMEOUT_MS);

    it('gives identical predictions from two save→load round trips', () =>
      withFlavor(async (s) => {
        const first = await saveLoadPredict(s);
        const second = await saveLoadPredict(s);
        expect(second).toEqual(first);
      }), FLAVOR_TEST_TIMEOUT_MS);

    it('saves into an existing empty directory', () =>
      withFlavor(async (s) => {
        const dir = freshDir(s.tmpDir);
        await mkdir(dir, { recursive: true });
        await s.flavor.save(s.model, dir);
        expect((await readMLmodel(dir)).flavors[s.flavor.name]).toBeDefined();
      }), FLAVOR_TEST_TIMEOUT_MS);

    it('refuses to save into a non-empty directory', () =>
      withFlavor(async (s) => {
        const dir = freshDir(s.tmpDir);
        await mkdir(dir, { recursive: true });
        await writeFile(join(dir, 'existing.txt'), 'keep me');
        await expectMlflowError(s.flavor.save(s.model, dir), 'RESOURCE_ALREADY_EXISTS');
        expect(await readdir(dir)).toEqual(['existing.txt']);
        expect(await readFile(join(dir, 'existing.txt'), 'utf8')).toBe('keep me');
      }), FLAVOR_TEST_TIMEOUT_MS);
  });
}
