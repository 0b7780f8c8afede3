/**
 * Restores what MLflow's JSON (and proto decoding) leaves out, so clients hand back the same
 * entity shapes the stores produce: absent repeated fields become `[]`, fields with a proto default
 * (Metric.step) get it. `RunInputs.model_inputs` stays optional, as in the entity schema.
 */
import type protobuf from 'protobufjs';

const KEEP_ABSENT = new Set(['mlflow_ts.RunInputs.model_inputs']);

export function normalizeResponse(
  type: protobuf.Type,
  value: Record<string, unknown>,
  top = true,
): Record<string, unknown> {
  // Older servers omit `inputs` entirely; the entity always has it.
  if (type.fullName === '.mlflow_ts.Run' && value.inputs === undefined) value.inputs = {};
  for (const field of type.fieldsArray) {
    const key = field.name;
    const v = value[key];
    if (v === undefined || v === null) {
      if (!top) continue;
      if (field.repeated) {
        if (!KEEP_ABSENT.has(`${type.fullName.slice(1)}.${key}`)) value[key] = [];
      } else if (field.options?.default !== undefined && !field.resolvedType) {
        value[key] = field.options.default;
      }
      continue;
    }
    const sub = field.resolvedType;
    if (sub && 'fieldsArray' in sub) {
      if (Array.isArray(v))
        for (const item of v) normalizeResponse(sub as protobuf.Type, item as Record<string, unknown>, true);
      else normalizeResponse(sub as protobuf.Type, v as Record<string, unknown>, true);
    }
  }
  return value;
}

/**
 * The same for a request's nested messages (a DatasetInput without `tags` gets `[]`), leaving the
 * request's own top-level fields absent so handlers still see what the caller left out.
 */
export function normalizeRequest(type: protobuf.Type, value: Record<string, unknown>): Record<string, unknown> {
  return normalizeResponse(type, value, false);
}
