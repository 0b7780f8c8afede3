/**
 * THE local-path reading of a URI: a plain path, `file:///abs`, `file://localhost/abs` or MLflow's
 * relative `file:rel/dir` → an absolute local path (percent-decoded, as `fileURLToPath` does). Any
 * other scheme, and a `file:` URI naming another host, is refused with INVALID_PARAMETER_VALUE.
 */
import path from 'node:path';
import { MlflowError } from '../errors.js';
import { parseModelUri } from '../model-uri/model-uri.js';

export function localPathOfUri(pathOrUri: string): string {
  const parsed = parseModelUri(pathOrUri);
  if (parsed.kind !== 'file') throw MlflowError.invalidParameter(`Not a local path or file: URI: '${pathOrUri}'`);
  return path.resolve(parsed.path);
}
