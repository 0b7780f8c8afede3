/**
 * `saveModel` writes the directory `mlflow.onnx.save_model` writes: model.onnx, MLmodel with the
 * `onnx` and `python_function` sections, conda.yaml / python_env.yaml / requirements.txt (onnx,
 * onnxruntime, mlflow), plus our node_env.json so Node knows what to install. MLflow in Python loads it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MlflowError } from '@mlflow-ts/format';
import { assertEmptyModelDir, installedPackageVersion } from '@mlflow-ts/format/node';
import { ONNX_FLAVOR_NAME, OnnxSessionOptionsSchema } from './flavor-config.js';
import type { MLmodel, ModelSignature, SaveModelOptions } from '@mlflow-ts/format';
import { importOnnxRuntime } from './lazy-imports.js';
import { onnxModelBytes } from './model-bytes.js';
import type { OnnxModelSource } from './model-bytes.js';
import { createOnnxSession } from './onnx-session.js';
import { signatureFromGraph } from './infer-signature.js';
import { writeModelDirectory } from './model-directory.js';

/** MLflow's default `providers` for the onnx flavor. */
export const DEFAULT_ONNX_PROVIDERS = ['CUDAExecutionProvider', 'CPUExecutionProvider'];
/** The Python `onnx` release recorded as `onnx_version` and pinned in requirements (covers opsets ≤ 22). */
export const ONNX_PYTHON_VERSION = '1.17.0';

export const FLAVOR_ONNX_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string })
  .version;

export interface SaveOnnxModelOptions extends Omit<SaveModelOptions, 'signature'> {
  /** A signature, `'auto'` (default: TensorSpecs read off the graph), or `false` for none. */
  signature?: ModelSignature | 'auto' | false;
  /** MLflow's `onnx_session_options` (snake_case SessionOptions attributes). */
  sessionOptions?: Record<string, unknown> | null;
  providers?: string[];
  /** Extra MLmodel keys (`run_id`, `artifact_path`) when saving for `logModel`. */
  extraMLmodelKeys?: Record<string, unknown>;
}

export function onnxRuntimeVersion(): string {
  return installedPackageVersion('onnxruntime-node', import.meta.url);
}

/** Saves an ONNX model as an MLflow model directory at `dir`; returns the MLmodel written. */
export async function saveModel(
  model: OnnxModelSource,
  dir: string,
  opts: SaveOnnxModelOptions = {},
): Promise<MLmodel> {
  await assertEmptyModelDir(dir);
  const bytes = await onnxModelBytes(model);
  await importOnnxRuntime();
  // Opening a session validates the graph before anything is written, and gives its inputs/outputs.
  const session = await createOnnxSession(bytes).catch((e: unknown) => {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Not a valid ONNX model: ${(e as Error).message}`, { cause: e });
  });
  const signature =
    opts.signature === false
      ? undefined
      : opts.signature === undefined || opts.signature === 'auto'
        ? signatureFromGraph(session.inputs, session.outputs)
        : opts.signature;
  await session.release();

  await mkdir(dir, { recursive: true });
  const dataFile = 'model.onnx';
  await writeFile(path.join(dir, dataFile), bytes);
  const sessionOptions = opts.sessionOptions ?? null;
  if (sessionOptions) {
    const checked = OnnxSessionOptionsSchema.safeParse(sessionOptions);
    if (!checked.success)
      throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid onnx_session_options: ${checked.error.message}`);
  }
  return writeModelDirectory(dir, {
    flavorName: ONNX_FLAVOR_NAME,
    flavorConfig: {
      onnx_version: ONNX_PYTHON_VERSION,
      data: dataFile,
      providers: opts.providers ?? DEFAULT_ONNX_PROVIDERS,
      onnx_session_options: sessionOptions,
      code: null,
    },
    loaderModule: 'mlflow.onnx',
    data: dataFile,
    pipRequirements: [`onnx==${ONNX_PYTHON_VERSION}`, `onnxruntime==${onnxRuntimeVersion()}`],
    npmDependencies: { 'onnxruntime-node': onnxRuntimeVersion(), '@mlflow-ts/flavor-onnx': FLAVOR_ONNX_VERSION },
    signature,
    inputExample: opts.inputExample,
    metadata: opts.metadata,
    extra: opts.extraMLmodelKeys,
  });
}
