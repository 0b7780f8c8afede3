/** log-batch request limits and per-entity validation (mlflow/utils/validation.py). */
import type { Metric, Param, RunTag } from '../entities.js';
import { MlflowError } from '../errors.js';
import { validateParam, validateTag, type TruncateOptions } from './keys.js';
import { validateMetric } from './metric.js';

export const LOG_BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  total: 1000,
} as const;

function checkLimit(entityName: string, limit: number, length: number): void {
  if (length > limit) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}. ` +
        `Please split up ${entityName} across multiple requests and try again.`,
    );
  }
}

export interface ValidatedBatch {
  metrics: Metric[];
  /** Values truncated to MLflow's limits where needed. */
  params: Param[];
  tags: RunTag[];
}

/**
 * Validates a whole batch before anything is written: counts, each metric/param/tag (paths like
 * `metrics[3].value` in messages), then duplicate param keys. Returns the batch with long param
 * and tag values truncated, ready to store.
 */
export function validateLogBatch(
  batch: { metrics?: readonly Metric[]; params?: readonly Param[]; tags?: readonly RunTag[] },
  opts?: TruncateOptions,
): ValidatedBatch {
  const metrics = batch.metrics ?? [];
  const params = batch.params ?? [];
  const tags = batch.tags ?? [];
  checkLimit('metrics', LOG_BATCH_LIMITS.metrics, metrics.length);
  checkLimit('params', LOG_BATCH_LIMITS.params, params.length);
  checkLimit('tags', LOG_BATCH_LIMITS.tags, tags.length);
  checkLimit('metrics, params, and tags', LOG_BATCH_LIMITS.total, metrics.length + params.length + tags.length);

  metrics.forEach((m, i) => validateMetric(m, `metrics[${i}]`));
  const outParams = params.map((p, i) => validateParam(p, `params[${i}]`, opts));
  const outTags = tags.map((t, i) => validateTag(t, `tags[${i}]`, opts));

  const counts = new Map<string, number>();
  for (const p of outParams) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
  const dups = [...counts].filter(([, c]) => c > 1).map(([k]) => k);
  if (dups.length > 0) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `Duplicate parameter keys have been submitted: [${dups.map((k) => `'${k}'`).join(', ')}]. ` +
        'Please ensure the request contains only one param value per param key.',
    );
  }
  return { metrics: metrics.map((m) => ({ ...m, step: m.step ?? 0 })), params: outParams, tags: outTags };
}
