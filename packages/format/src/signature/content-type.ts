/**
 * Content-type dispatch for `/invocations`. Unsupported types are answered 415 text/plain by the
 * server, so the check is separate from parsing: `contentTypeError` gives the exact 415 text.
 */
import { MlflowError } from '../errors.js';
import type { ParsedPayload } from '../model-input.js';
import { parseCsvPayload } from './csv-payload.js';
import { SCORING_PROTOCOL_CHANGE_INFO, parseJsonText } from './payload.js';

export const SCORING_CONTENT_TYPES = ['text/csv', 'application/json'] as const;

function split(contentType: string): { mime: string; params: Map<string, string> } {
  const [mime = '', ...rest] = contentType.split(';').map((s) => s.trim());
  const params = new Map<string, string>();
  for (const pair of rest) {
    const eq = pair.indexOf('=');
    params.set(
      (eq < 0 ? pair : pair.slice(0, eq)).trim().toLowerCase(),
      eq < 0
        ? ''
        : pair
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1'),
    );
  }
  return { mime: mime.toLowerCase(), params };
}

/** The 415 message MLflow answers for `contentType`, or undefined when it is supported. */
export function contentTypeError(contentType: string | undefined): string | undefined {
  const { mime, params } = split(contentType ?? '');
  const charset = (params.get('charset') ?? 'utf-8').toLowerCase();
  if (charset !== 'utf-8') return 'The scoring server only supports UTF-8';
  const unexpected = [...params.keys()].filter((k) => k !== 'charset');
  if (unexpected.length > 0)
    return `Unrecognized content type parameters: ${unexpected.join(', ')}. ${SCORING_PROTOCOL_CHANGE_INFO}`;
  if (!(SCORING_CONTENT_TYPES as readonly string[]).includes(mime)) {
    return `This predictor only supports the following content types: Types: ['text/csv', 'application/json']. Got '${contentType ?? ''}'.`;
  }
  return undefined;
}

export function isSupportedContentType(contentType: string | undefined): boolean {
  return contentTypeError(contentType) === undefined;
}

/** Parses a body by content type; an unsupported type throws BAD_REQUEST (servers should answer 415 first). */
export function parseScoringPayload(body: string, contentType: string): ParsedPayload {
  const problem = contentTypeError(contentType);
  if (problem !== undefined)
    throw new MlflowError('BAD_REQUEST', problem, { details: { unsupported_content_type: true } });
  return split(contentType).mime === 'text/csv' ? parseCsvPayload(body) : parseJsonText(body);
}
