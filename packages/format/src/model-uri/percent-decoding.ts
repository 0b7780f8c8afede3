/**
 * Repeated URL-decoding for safety checks. A path may be decoded more than once on its way to the
 * disk (proxy, framework, client), so `%252e%252e%252f` must be judged as `../`. Like Python's
 * `urllib.parse.unquote`, malformed escapes stay as they are and invalid UTF-8 becomes U+FFFD,
 * so a legitimate name containing a literal `%` is never an error by itself.
 */
import { MlflowError } from '../errors.js';

const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;
const MAX_ROUNDS = 10;
const utf8 = new TextDecoder();

/** One round of percent-decoding (`+` stays `+`, as in a path). */
export function percentDecodeOnce(text: string): string {
  return text.replace(ESCAPES, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return utf8.decode(bytes);
  });
}

/**
 * The text and every further decoding of it until it stops changing, first element = `text`.
 * More than ten rounds means someone is trying hard: INVALID_PARAMETER_VALUE (as MLflow's `_decode`).
 */
export function decodingStages(text: string, describe: () => string): string[] {
  const stages = [text];
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = percentDecodeOnce(current);
    if (next === current) return stages;
    stages.push(next);
    current = next;
  }
  throw MlflowError.invalidParameter(`${describe()}: too many levels of URL encoding`);
}
