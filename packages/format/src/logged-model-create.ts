/** The checks every store makes of a create-logged-model request (MLflow's `create_logged_model`). */
import { MlflowError } from './errors.js';
import type { CreateLoggedModelRequest } from './logged-model-store.js';
import { validateParam, validateTag } from './validation/keys.js';

/**
 * The request's experiment active (INVALID_STATE otherwise, MLflow's message) and its params and tags
 * validated (values possibly truncated, as MLflow does). Callers check the name
 * (`validateLoggedModelName`) before they look the experiment up, as MLflow does.
 */
export function validateCreateLoggedModel(
  req: CreateLoggedModelRequest,
  experiment: { lifecycle_stage: string },
): { params: { key: string; value: string }[]; tags: { key: string; value: string }[] } {
  if (experiment.lifecycle_stage !== 'active') {
    throw new MlflowError(
      'INVALID_STATE',
      `Could not create model under non-active experiment with ID ${req.experiment_id}.`,
    );
  }
  return {
    params: (req.params ?? []).map((p) => validateParam(p)),
    tags: (req.tags ?? []).map((t) => validateTag(t)),
  };
}
