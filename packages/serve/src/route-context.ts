/**
 * What the route modules share: the served models, metrics, MLflow's error body and the request timeout.
 */
import type { FastifyReply } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import type { ServerMetrics } from './metrics.js';
import type { ServableModel } from './servable-model.js';

/** A served model with its predict routed through the batcher when batching is on. */
export interface ServedModel {
  name: string;
  version?: string;
  model: ServableModel;
  predict: ServableModel['predict'];
}

export interface RouteContext {
  models: ServedModel[];
  metrics: ServerMetrics;
  requestTimeoutMs: number;
}

/** Sends an MlflowError (or any error) as MLflow's JSON error body. */
export function sendError(reply: FastifyReply, e: unknown): FastifyReply {
  if (MlflowError.isInstance(e)) return reply.code(e.httpStatus).type('application/json').send(e.toJSON());
  const err = e as Error;
  return reply
    .code(400)
    .type('application/json')
    .send({
      error_code: 'BAD_REQUEST',
      message: `Encountered an unexpected error while evaluating the model. Verify that the input is compatible with the model for inference. Error '${err?.message ?? String(e)}'`,
      stack_trace: err?.stack ?? String(e),
    });
}

/** Runs `work` but answers 504 after `ms` (MLflow: "Request processing time exceeded limit"). */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  // Hand-rolled rather than Promise.race in an async function: this runs once per request.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new MlflowError('DEADLINE_EXCEEDED', 'Request processing time exceeded limit')),
      ms,
    );
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
