/**
 * TensorFlow.js is loaded only when a model is saved, loaded, trained or converted, so importing this
 * package costs nothing and a missing install fails with a fix, not a stack. `@tensorflow/tfjs-node`
 * (native, much faster) is used when it is installed; the pure-JS `@tensorflow/tfjs` otherwise.
 */
import { MlflowError } from '@mlflow-ts/format';

export type Tfjs = typeof import('@tensorflow/tfjs');

let tfPromise: Promise<Tfjs> | undefined;

/** A specifier in a variable, so TypeScript does not insist that the optional package be installed. */
const TFJS_NODE = '@tensorflow/tfjs-node';

function unwrap(m: unknown): Tfjs {
  const mod = m as Tfjs & { default?: Tfjs };
  return typeof mod.sequential === 'function' ? mod : (mod.default as Tfjs);
}

async function load(): Promise<Tfjs> {
  if (process.env.MLFLOW_TS_TFJS_NODE !== 'false') {
    try {
      return unwrap(await import(TFJS_NODE));
    } catch {
      // Not installed (the common case): fall back to the pure-JS build.
    }
  }
  try {
    return unwrap(await import('@tensorflow/tfjs'));
  } catch (cause) {
    throw new MlflowError(
      'INVALID_STATE',
      "The tfjs flavor needs the npm package '@tensorflow/tfjs' (or '@tensorflow/tfjs-node'), but it could not be " +
        `imported (${(cause as Error)?.message ?? String(cause)}). Install it with: npm install @tensorflow/tfjs`,
      { cause },
    );
  }
}

/** The TensorFlow.js module, imported once. */
export function importTfjs(): Promise<Tfjs> {
  tfPromise ??= load().catch((e: unknown) => {
    tfPromise = undefined;
    throw e;
  });
  return tfPromise;
}
