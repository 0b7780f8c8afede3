/**
 * `{"predictions": …}` as JSON text, built here so fastify sends a ready string (no serializer
 * lookup). Flavors answer plain JSON values, for which `JSON.stringify` is the fastest writer
 * (non-finite numbers become null, as fastify's default serializer did). A value it cannot write
 * (a BigInt) sends the whole answer through MLflow's JSON conventions instead of failing the request.
 */
import { toMlflowJsonValue } from '@mlflow-ts/format';
import type { Prediction } from '@mlflow-ts/format';

export function serializePredictions(predictions: Prediction): string {
  try {
    return JSON.stringify({ predictions });
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify({ predictions: toMlflowJsonValue(predictions) });
  }
}
