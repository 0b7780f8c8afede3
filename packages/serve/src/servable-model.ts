/**
 * What the scoring server serves: a loaded model whose predict enforces its signature first. The
 * two halves (`enforce`, `predictEnforced`) are exposed so dynamic batching can merge requests after
 * each one was validated on its own, and a bad request fails alone.
 */
import type { EnforcedInput, MLmodel, ModelInput, ModelSignature, Prediction } from '@mlflow-ts/format';

export interface EnforcedRequest {
  input: EnforcedInput;
  params?: Record<string, unknown>;
}

export interface ServableModel {
  readonly metadata: MLmodel;
  readonly signature?: ModelSignature;
  /** The flavor that loaded it (`onnx`, …). */
  readonly flavor: string;
  /** Checks and converts a parsed payload against the signature; throws INVALID_PARAMETER_VALUE naming the bad input. */
  enforce(input: ModelInput, params?: Record<string, unknown>): EnforcedRequest;
  /** Runs the flavor on already-enforced input. */
  predictEnforced(input: EnforcedInput, params?: Record<string, unknown>): Promise<Prediction>;
  /** `enforce` then `predictEnforced`. */
  predict(input: ModelInput, params?: Record<string, unknown>): Promise<Prediction>;
  dispose(): Promise<void>;
}
