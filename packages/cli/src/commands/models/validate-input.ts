/** `models validate-input`: run a payload through the model's signature exactly as serving would. */
import { readFile } from 'node:fs/promises';
import { enforceParams, enforceSchema, parseScoringPayload } from '@mlflow-ts/format';
import type { CliContext } from '../../cli-context.js';
import { UsageError } from '../../usage-error.js';
import { enforcedInputToJson, jsonValue } from './enforced-json.js';
import { readMLmodel, signatureOf } from './model-files.js';

const CONTENT_TYPES: Record<string, string> = { json: 'application/json', csv: 'text/csv' };

/** Parses and enforces `inputFile` against the model in `dir`; returns the normalized input as JSON. */
export async function validateInput(
  ctx: CliContext,
  dir: string,
  inputFile: string,
  contentType: string,
): Promise<Record<string, unknown>> {
  const mime = CONTENT_TYPES[contentType.toLowerCase()];
  if (!mime) throw new UsageError(`--content-type must be json or csv, got '${contentType}'`);
  const mlmodel = await readMLmodel(dir);
  const body = await readFile(inputFile, 'utf8');
  const parsed = parseScoringPayload(body, mime);
  const signature = signatureOf(mlmodel);
  if (!signature) {
    ctx.io.stderr('Note: the model has no signature; the input was parsed but not checked.\n');
    return { input: jsonValue(parsed.input), ...(parsed.params ? { params: jsonValue(parsed.params) } : {}) };
  }
  const input = enforcedInputToJson(enforceSchema(parsed.input, signature.inputs));
  const params = enforceParams(parsed.params, signature.params);
  return { input, ...(Object.keys(params).length > 0 ? { params: jsonValue(params) } : {}) };
}
