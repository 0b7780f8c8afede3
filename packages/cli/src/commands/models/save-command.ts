/**
 * `mlflow-ts models save --flavor onnx --file model.onnx -o <dir> [--signature auto|none|sig.json]
 * [--input-example ex.json]`: writes an MLflow model directory MLflow itself can load.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { parseSignature } from '@mlflow-ts/format';
import type { Flavor, MLmodel, ModelSignature } from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';
import { saveFlavor } from './flavors.js';

export interface SaveFlags {
  flavor: string;
  file: string;
  signature: string;
  inputExample?: string;
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`Cannot read ${what} file '${file}'`);
  });
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${what} file '${file}' is not valid JSON: ${(e as Error).message}`);
  }
}

/** `auto` (read off the model), `none`, or a JSON file holding MLmodel's signature dict or its parsed form. */
export async function signatureOption(value: string): Promise<ModelSignature | 'auto' | false> {
  if (value === 'auto') return 'auto';
  if (value === 'none') return false;
  const dict = (await readJson(value, 'signature')) as { inputs?: unknown; outputs?: unknown; params?: unknown };
  const asString = (v: unknown) =>
    v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
  return parseSignature({
    inputs: asString(dict.inputs),
    outputs: asString(dict.outputs),
    params: asString(dict.params),
  });
}

/** The save options shared by `models save` and `models log`. */
export async function saveOptionsOf(flags: SaveFlags): Promise<Record<string, unknown>> {
  const signature = await signatureOption(flags.signature);
  return {
    signature,
    ...(flags.inputExample ? { inputExample: await readJson(flags.inputExample, 'input example') } : {}),
  };
}

export function withSaveFlags(cmd: Command): Command {
  return cmd
    .option(
      '--flavor <name|module>',
      'flavor to save with: onnx, tfjs, or a flavor package name or path (its save gets a .json --file parsed)',
      'onnx',
    )
    .requiredOption('--file <path>', 'the model file: model.onnx (onnx), model.json or a graph-model directory (tfjs)')
    .option('--signature <auto|none|file.json>', 'signature: read off the model, none, or a JSON file', 'auto')
    .option('--input-example <file.json>', 'an input example (JSON) saved next to the model');
}

/** `--flavor`, `--file` and the save options as a `save(dir)` of that flavor (`models save` and `models log`). */
export async function flavorSaver(
  flags: SaveFlags,
): Promise<{ flavor: Flavor<any, any>; save: (dir: string) => Promise<MLmodel> }> {
  const { flavor, builtIn } = await saveFlavor(flags.flavor);
  const source = builtIn ? builtInSource(flavor.name, flags.file) : await pluginSource(flags.file);
  const options = await saveOptionsOf(flags);
  // 'auto' and 'none' are the built-in flavors'; other flavors infer (or not) on their own.
  if (!builtIn && typeof options.signature !== 'object') delete options.signature;
  return { flavor, save: (dir) => flavor.save(source, dir, options as never) };
}

export function modelsSaveCommand(ctx: CliContext): Command {
  return withSaveFlags(new Command('save').description('Save a model file as an MLflow model directory'))
    .requiredOption('-o, --output <dir>', 'the directory to create (must be absent or empty)')
    .action(async (opts: SaveFlags & { output: string }) => {
      const { flavor, save } = await flavorSaver(opts);
      const mlmodel = await save(opts.output);
      ctx.print(`Saved ${flavor.name} model to ${opts.output} (model_uuid ${String(mlmodel.model_uuid)})`);
    });
}

/** onnx takes the .onnx path; tfjs a layers-model model.json or a graph-model directory. */
function builtInSource(name: string, file: string): unknown {
  if (name !== 'tfjs') return file;
  return file.endsWith('.json') ? { layersModelJson: file } : { graphModelDir: file };
}

/**
 * What a plugin flavor's `save` gets: the parsed object for a `.json` file (a model stored as
 * JSON, like the example `linear` flavor's), the path for anything else.
 */
async function pluginSource(file: string): Promise<unknown> {
  return file.toLowerCase().endsWith('.json') ? readJson(file, 'model') : file;
}
