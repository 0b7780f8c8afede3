/**
 * `POST /invocations`: MLflow's content-type rules (415 text for anything but JSON/CSV), payload
 * parsing by the format package, signature enforcement, `{"predictions": …}`.
 */
import type { FastifyInstance } from 'fastify';
import { contentTypeError, parseJsonText, parseScoringPayload } from '@mlflow-ts/format';
import type { ParsedPayload } from '@mlflow-ts/format';
import { serializePredictions } from './serialize-predictions.js';
import { sendError, withTimeout } from './route-context.js';
import type { RouteContext } from './route-context.js';

const JSON_TYPE = 'application/json';
// What clients send nearly always; these need no content-type parameter analysis.
const PLAIN_JSON = new Set([JSON_TYPE, 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

export function registerInvocationsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/invocations', async (req, reply) => {
    const contentType = req.headers['content-type'] ?? '';
    const body = typeof req.body === 'string' ? req.body : '';
    const plainJson = PLAIN_JSON.has(contentType);
    if (!plainJson) {
      const unsupported = contentTypeError(contentType);
      if (unsupported !== undefined) return reply.code(415).type('text/plain; charset=utf-8').send(unsupported);
    }
    const served = ctx.models[0]!;
    try {
      const parsed: ParsedPayload = plainJson ? parseJsonText(body) : parseScoringPayload(body, contentType);
      const predictions = await withTimeout(served.predict(parsed.input, parsed.params), ctx.requestTimeoutMs);
      return reply.code(200).header('content-type', JSON_TYPE).send(serializePredictions(predictions));
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
