/**
 * `mlflow-ts models convert -m <model> --to onnx -o <dir>`: a saved tfjs LayersModel (directory or
 * model URI) as an MLflow `onnx` model, which MLflow in Python can load and serve.
 */
import { Command, Option } from 'commander';
import { CONVERTED_ONNX_ARTIFACT_PATH, convertModelUriToOnnx } from '@mlflow-ts/flavor-tfjs';
import type { CliContext } from '../../cli-context.js';
import { withStoreOption } from '../../options.js';
import { UsageError } from '../../usage-error.js';

interface ConvertOptions {
  modelUri: string;
  to: string;
  output?: string;
  runId?: string;
  artifactPath?: string;
  backendStoreUri?: string;
}

export function modelsConvertCommand(ctx: CliContext): Command {
  return withStoreOption(
    new Command('convert')
      .description('convert a tfjs model to another format (onnx) and save it, or log it into a run')
      .requiredOption(
        '-m, --model-uri <uri>',
        'tfjs model: directory, MLmodel file, file: URI, runs:/<run_id>/<path> or models:/<name>/<version|@alias>',
      )
      .addOption(new Option('--to <format>', 'target format').choices(['onnx']).makeOptionMandatory())
      .option('-o, --output <dir>', 'write the converted MLflow model into this (empty or new) directory')
      .option('--run-id <id>', 'log the converted model into this run instead of (or as well as) writing it')
      .option('--artifact-path <path>', `artifact path in the run (default ${CONVERTED_ONNX_ARTIFACT_PATH})`),
  ).action(async (o: ConvertOptions) => {
    if (!o.output && !o.runId)
      throw new UsageError('Say where the converted model goes: -o <dir>, --run-id <id>, or both');
    if (o.artifactPath && !o.runId) throw new UsageError('--artifact-path needs --run-id');
    const client = ctx.client(o.backendStoreUri);
    const result = await convertModelUriToOnnx(o.modelUri, {
      client,
      ...(o.output ? { outputDir: o.output } : {}),
      ...(o.runId
        ? {
            logTo: {
              stores: await client.stores(),
              runId: o.runId,
              ...(o.artifactPath ? { artifactPath: o.artifactPath } : {}),
            },
          }
        : {}),
    });
    if (result.outputDir) ctx.print(`Converted ${o.modelUri} to ONNX: ${result.outputDir}`);
    if (result.modelUri) ctx.print(`Logged the ONNX model as ${result.modelUri}`);
  });
}
