/**
 * `POST /invocations`: MLflow's content-type rules (415 text for anything but JSON/CSV), payload
 * parsing by the format package, signature enforcement, `{"predictions": …}`.
 */
import type { FastifyInstance } from 'fastify';
import { contentTypeError, parseScoringPayload } from '@mlflow-ts/format';
import { sendError, withTimeout } from './route-context.js';
import type { RouteContext } from './route-context.js';

export function registerInvocationsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/invocations', async (req, reply) => {
    const contentType = req.headers['content-type'] ?? '';
    const unsupported = contentTypeError(contentType);
    if (unsupported !== undefined) return reply.code(415).type('text/plain; charset=utf-8').send(unsupported);
    const served = ctx.models[0]!;
    try {
      const parsed = parseScoringPayload(typeof req.body === 'string' ? req.body : '', contentType);
      const predictions = await withTimeout(served.predict(parsed.input, parsed.params), ctx.requestTimeoutMs);
      return reply.code(200).type('application/json').send({ predictions });
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
