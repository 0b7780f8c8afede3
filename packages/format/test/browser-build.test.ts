import { rolldown } from 'rolldown';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('@mlflow-ts/format main entry', () => {
  it('bundles for the browser without any Node.js built-in module', async () => {
    const imported = new Set<string>();
    const bundle = await rolldown({
      input: entry,
      platform: 'browser',
      logLevel: 'silent',
      plugins: [
        {
          name: 'record-builtins',
          resolveId(source) {
            if (nodeBuiltins.has(source)) {
              imported.add(source);
              return { id: source, external: true };
            }
            return null;
          },
        },
      ],
    });
    const { output } = await bundle.generate({ format: 'esm' });
    await bundle.close();
    expect([...imported]).toEqual([]);
    expect(output[0].code).toContain('MlflowError');
    expect(output[0].code.length).toBeGreaterThan(10_000);
  });
});
