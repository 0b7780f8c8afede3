/** `models inspect`: what a model directory holds, checked, in words or as JSON. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MlflowError, describeType, loadInputExample } from '@mlflow-ts/format';
import type {
  ColSpec,
  FlavorRegistry,
  MLmodel,
  SavedInputExampleInfo,
  ModelSignature,
  ParamSpec,
  Schema,
  TensorSpec,
} from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import { formatBytes } from '../../output.js';
import { listModelFiles, readMLmodel, signatureOf, type ModelFile } from './model-files.js';

export interface InputExampleReport {
  info: SavedInputExampleInfo;
  file: string;
  size_bytes: number;
}

export interface ModelReport {
  path: string;
  flavors: Record<string, unknown>;
  signature: ModelSignature | null;
  input_example: InputExampleReport | null;
  run_id?: string;
  model_id?: string;
  model_uuid?: string;
  artifact_path?: string;
  mlflow_version?: string;
  utc_time_created?: string;
  /** As recorded in MLmodel (MLflow measures the flavor files before writing MLmodel and env files). */
  model_size_bytes?: number;
  /** Sum of every file in the directory now. */
  total_size_bytes: number;
  files: ModelFile[];
  /** The mlflow-ts flavor `models serve`/`predict` would load it with (null: none), when a registry was given. */
  mlflow_ts_flavor?: string | null;
  /** The flavors that registry had (built-in plus `--flavor` modules). */
  mlflow_ts_flavors_available?: string[];
}

/** Which flavor of `registry` loads the model; its MLmodel section must satisfy that flavor's schema. */
function servingFlavor(dir: string, mlmodel: MLmodel, registry: FlavorRegistry): string | null {
  const flavor = registry.resolve(mlmodel);
  if (!flavor) return null;
  const checked = flavor.configSchema.safeParse(mlmodel.flavors[flavor.name]);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const where = [flavor.name, ...issue.path.map(String)].join('.');
    throw MlflowError.invalidParameter(
      `Invalid MLmodel ${path.join(dir, 'MLmodel')}: flavors.${where}: ${issue.message}`,
    );
  }
  return flavor.name;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function inputExampleReport(
  dir: string,
  mlmodel: MLmodel,
  files: ModelFile[],
): Promise<InputExampleReport | null> {
  const info = mlmodel.saved_input_example_info;
  if (!info) return null;
  const rel = str(info.artifact_path);
  if (!rel) throw MlflowError.invalidParameter('Invalid model: saved_input_example_info has no artifact_path');
  const entry = files.find((f) => f.path === rel);
  if (!entry)
    throw MlflowError.invalidParameter(`Invalid model: input example file '${rel}' named in MLmodel is missing`);
  try {
    loadInputExample(await readFile(path.join(dir, rel), 'utf8'), info);
  } catch (e) {
    throw MlflowError.invalidParameter(
      `Invalid model: input example '${rel}' cannot be read: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return { info, file: rel, size_bytes: entry.size };
}

export async function inspectModel(dir: string, registry?: FlavorRegistry): Promise<ModelReport> {
  const mlmodel = await readMLmodel(dir);
  const files = await listModelFiles(dir);
  let signature: ModelSignature | null;
  try {
    signature = signatureOf(mlmodel) ?? null;
  } catch (e) {
    throw MlflowError.invalidParameter(
      `Invalid model signature in ${path.join(dir, 'MLmodel')}: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const report: ModelReport = {
    path: dir,
    flavors: mlmodel.flavors,
    signature,
    input_example: await inputExampleReport(dir, mlmodel, files),
    total_size_bytes: files.reduce((n, f) => n + f.size, 0),
    files,
  };
  for (const key of [
    'run_id',
    'model_id',
    'model_uuid',
    'artifact_path',
    'mlflow_version',
    'utc_time_created',
  ] as const) {
    const v = str(mlmodel[key]);
    if (v !== undefined) report[key] = v;
  }
  if (typeof mlmodel.model_size_bytes === 'number') report.model_size_bytes = mlmodel.model_size_bytes;
  if (registry) {
    report.mlflow_ts_flavor = servingFlavor(dir, mlmodel, registry);
    report.mlflow_ts_flavors_available = registry.names();
  }
  return report;
}

function specLine(spec: ColSpec | TensorSpec, index: number): string {
  const name = spec.name ?? `[${index}]`;
  const optional = spec.type !== 'tensor' && !(spec as ColSpec).required ? ' (optional)' : '';
  return `${name}: ${describeType(spec)}${optional}`;
}

function paramLine(p: ParamSpec): string {
  const shape = p.shape ? ` shape ${JSON.stringify(p.shape)}` : '';
  return `${p.name}: ${describeType(p)}${shape} = ${JSON.stringify(p.default)}`;
}

function flavorSummary(config: unknown): string {
  if (!config || typeof config !== 'object') return JSON.stringify(config);
  return Object.entries(config as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

export function printModelReport(ctx: CliContext, r: ModelReport): void {
  ctx.print(`Model: ${r.path}`);
  if (r.run_id) ctx.print(`Run id: ${r.run_id}`);
  if (r.model_id) ctx.print(`Model id: ${r.model_id}`);
  if (r.mlflow_version) ctx.print(`MLflow version: ${r.mlflow_version}`);
  if (r.utc_time_created) ctx.print(`Created (UTC): ${r.utc_time_created}`);
  ctx.print('Flavors:');
  for (const [name, config] of Object.entries(r.flavors)) ctx.print(`  ${name}: ${flavorSummary(config)}`);
  if (r.mlflow_ts_flavor !== undefined) {
    ctx.print(
      r.mlflow_ts_flavor
        ? `Served by mlflow-ts with flavor: ${r.mlflow_ts_flavor}`
        : `Served by mlflow-ts with flavor: none of ${(r.mlflow_ts_flavors_available ?? []).join(', ')} (a flavor package may: --flavor <package>)`,
    );
  }
  if (!r.signature) {
    ctx.print('Signature: none (inputs are not checked)');
  } else {
    ctx.print('Signature:');
    const schema = (title: string, s: Schema | undefined) => {
      ctx.print(`  ${title}:${s ? '' : ' none'}`);
      (s as (ColSpec | TensorSpec)[] | undefined)?.forEach((spec, i) => ctx.print(`    ${specLine(spec, i)}`));
    };
    schema('inputs', r.signature.inputs);
    schema('outputs', r.signature.outputs);
    ctx.print(`  params:${r.signature.params?.length ? '' : ' none'}`);
    for (const p of r.signature.params ?? []) ctx.print(`    ${paramLine(p)}`);
  }
  if (r.input_example) {
    const { type, pandas_orient: orient } = r.input_example.info;
    ctx.print(
      `Input example: ${r.input_example.file} (type ${String(type)}${orient ? `, orient ${String(orient)}` : ''}, ` +
        `${formatBytes(r.input_example.size_bytes)})`,
    );
  } else {
    ctx.print('Input example: none');
  }
  const recorded = r.model_size_bytes !== undefined ? `; model_size_bytes ${r.model_size_bytes}` : '';
  ctx.print(`Size: ${formatBytes(r.total_size_bytes)} in ${r.files.length} files${recorded}`);
  for (const f of r.files) ctx.print(`  ${f.path}  ${formatBytes(f.size)}`);
}
