/**
 * `{"predictions": …}` as JSON text, byte for byte as MLflow's scoring server writes it (Python's
 * `json.dump`: `", "` and `": "` separators, float repr with `4.0`, `1e-05`, `3e+16`, non-ASCII as
 * `\uXXXX`); flavors mark float lists (`markFloatList`) so floats keep their `.0`. Built here so
 * fastify sends a ready string. A value it cannot write sends the answer through MLflow's JSON
 * conventions instead of failing the request.
 */
import { toMlflowJsonValue, toPythonJson } from '@mlflow-ts/format';
import type { Prediction } from '@mlflow-ts/format';

export function serializePredictions(predictions: Prediction): string {
  try {
    return toPythonJson({ predictions });
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return toPythonJson({ predictions: toMlflowJsonValue(predictions) });
  }
}
