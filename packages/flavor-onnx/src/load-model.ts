/**
 * Loads an `mlflow.onnx` model directory into a LoadedModel: one onnxruntime session over the
 * flavor's `data` file, fed and shaped as mlflow.onnx's pyfunc wrapper does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError, parseMLmodel } from '@mlflow-ts/format';
import type { LoadedModel, MLmodel } from '@mlflow-ts/format';
import { createOnnxSession } from './onnx-session.js';
import type { OnnxRuntimeOptions, OnnxSession } from './onnx-session.js';
import { toFeeds, toPredictionOf } from './predictions.js';

export interface OnnxLoadOptions {
  /** Execution providers (MLflow or onnxruntime-node names). Default: CPU only, whatever MLmodel lists. */
  providers?: string[];
  /** Overrides MLmodel's `onnx_session_options` (MLflow's snake_case keys). */
  sessionOptions?: Record<string, unknown>;
}

export interface LoadedOnnxModel extends LoadedModel {
  /** The session's inputs and outputs (names, dtypes, -1 for symbolic dims). */
  readonly session: Pick<OnnxSession, 'inputs' | 'outputs'>;
}

/** Loads the directory `dir` whose MLmodel is `mlmodel` (the Flavor.load half). */
export async function loadOnnxFromMLmodel(
  dir: string,
  mlmodel: MLmodel,
  opts: OnnxLoadOptions = {},
): Promise<LoadedOnnxModel> {
  const conf = mlmodel.flavors?.onnx as
    | { data?: string; onnx_session_options?: Record<string, unknown> | null }
    | undefined;
  if (!conf) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `The MLmodel in '${dir}' has no 'onnx' flavor (flavors: ${Object.keys(mlmodel.flavors ?? {}).join(', ')})`,
    );
  }
  const runtime: OnnxRuntimeOptions = {
    providers: opts.providers ?? ['CPUExecutionProvider'],
    sessionOptions: opts.sessionOptions ?? conf.onnx_session_options ?? null,
  };
  const session = await createOnnxSession(path.join(dir, conf.data ?? 'model.onnx'), runtime);
  return {
    metadata: mlmodel,
    session: { inputs: session.inputs, outputs: session.outputs },
    async predict(input) {
      const outputs = await session.run(toFeeds(input, session.inputs));
      return toPredictionOf(outputs, input.kind);
    },
    dispose: () => session.release(),
  };
}

/** Loads an `mlflow.onnx` model directory (or its MLmodel file) from local disk. */
export async function loadModel(localDir: string, opts: OnnxLoadOptions = {}): Promise<LoadedOnnxModel> {
  const dir = path.basename(localDir) === 'MLmodel' ? path.dirname(localDir) : localDir;
  const text = await readFile(path.join(dir, 'MLmodel'), 'utf8').catch((e: unknown) => {
    throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Could not read MLmodel in '${dir}': ${(e as Error).message}`);
  });
  return loadOnnxFromMLmodel(dir, parseMLmodel(text), opts);
}
