/**
 * OTLP span ingestion, the one path behind `POST /v1/traces` and the OTLP/gRPC collector service:
 * decode the whole export first (nothing is written when any span is bad or the batch is too big),
 * check the experiment, then log each trace's spans as MLflow's `log_spans` does.
 */
import { MAX_SPANS_PER_BATCH, MlflowError } from '@mlflow-ts/format';
import { decodeOtlpSpans } from '../protocol/otlp-proto.js';
import { MLFLOW_EXPERIMENT_ID_HEADER } from '../protocol/trace-routes.js';
import type { HandlerContext } from './handler-context.js';

/** A refused export: the MLflow error, and the HTTP status MLflow's FastAPI route answers it with. */
export class OtlpRejection extends Error {
  constructor(
    readonly httpStatus: number | undefined,
    readonly error: MlflowError,
  ) {
    super(error.message);
  }
}

function asMlflowError(e: unknown): MlflowError {
  return MlflowError.isInstance(e) ? e : new MlflowError('INTERNAL_ERROR', (e as Error)?.message ?? String(e));
}

/**
 * Logs the spans of one export body (`json`: OTLP/JSON, else protobuf) into `experimentId`. Throws
 * `OtlpRejection`; `httpStatus` undefined means "the status the error code maps to".
 */
export async function ingestOtlpExport(
  ctx: HandlerContext,
  body: Uint8Array,
  json: boolean,
  experimentId: string | undefined,
): Promise<void> {
  if (typeof experimentId !== 'string' || experimentId === '')
    throw new OtlpRejection(
      422,
      MlflowError.invalidParameter(`Missing required header '${MLFLOW_EXPERIMENT_ID_HEADER}'.`),
    );
  const traces = ctx.tracking.traces;
  if (!traces)
    throw new OtlpRejection(
      501,
      new MlflowError('NOT_IMPLEMENTED', 'REST OTLP span logging is not supported by this tracking store'),
    );
  let byTrace: ReturnType<typeof decodeOtlpSpans>;
  try {
    byTrace = decodeOtlpSpans(body, json, MAX_SPANS_PER_BATCH);
  } catch (e) {
    throw new OtlpRejection(400, asMlflowError(e));
  }
  try {
    await ctx.tracking.getExperiment(experimentId);
  } catch (e) {
    throw new OtlpRejection(undefined, asMlflowError(e));
  }
  const errors: string[] = [];
  await Promise.all(
    [...byTrace].map(async ([traceId, spans]) => {
      try {
        await traces.logSpans(experimentId, spans);
      } catch (e) {
        errors.push(`Trace ${traceId}: ${(e as Error).message}`);
      }
    }),
  );
  if (errors.length)
    throw new OtlpRejection(
      422,
      MlflowError.invalidParameter(`Failed to log OpenTelemetry spans: ${errors.join('\n')}`),
    );
}
