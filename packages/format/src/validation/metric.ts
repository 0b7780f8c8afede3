/** Metric validation and the "latest value" rule a run's data reports. */
import type { Metric } from '../entities.js';
import { MlflowError } from '../errors.js';
import { validateMetricKey } from './keys.js';
import { appendToJsonPath, invalidValue, missingValue } from './messages.js';

function fail(message: string): never {
  throw new MlflowError('INVALID_PARAMETER_VALUE', message);
}

/**
 * MLflow's `_validate_metric`: key rules, value any number (NaN/±Infinity allowed, booleans and
 * strings not), timestamp a non-negative number, step a number. `path` prefixes field names in
 * messages (`metrics[3]` → `metrics[3].value`).
 */
export function validateMetric(
  metric: { key: unknown; value: unknown; timestamp: unknown; step?: unknown },
  path = '',
): void {
  const key = validateMetricKey(metric.key, appendToJsonPath(path, 'key'));
  const { value, timestamp } = metric;
  const step = metric.step ?? 0;
  if (value === undefined || value === null) fail(missingValue(appendToJsonPath(path, 'value')));
  if (typeof value !== 'number') {
    fail(
      invalidValue(
        appendToJsonPath(path, 'value'),
        value,
        `metric '${key}' (timestamp=${String(timestamp)}). Please specify value as a valid double (64-bit floating point)`,
      ),
    );
  }
  if (timestamp === undefined || timestamp === null) fail(missingValue(appendToJsonPath(path, 'timestamp')));
  if (typeof timestamp !== 'number' || Number.isNaN(timestamp) || timestamp < 0) {
    fail(
      invalidValue(
        appendToJsonPath(path, 'timestamp'),
        timestamp,
        `metric '${key}' (value=${value}). Timestamp must be a nonnegative long (64-bit integer) `,
      ),
    );
  }
  if (typeof step !== 'number' || Number.isNaN(step)) {
    fail(
      invalidValue(
        appendToJsonPath(path, 'step'),
        step,
        `metric '${key}' (value=${value}). Step must be a valid long (64-bit integer).`,
      ),
    );
  }
}

/** Python's ordering of `(step, timestamp, value)` tuples: `a > b`, NaN never greater. */
function isLater(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.value > b.value;
}

/**
 * The latest value per key, as RunData reports it: max by step, then timestamp, then value; the
 * first logged wins a full tie (Python's `max`). Keys keep first-logged order.
 */
export function latestMetrics(history: readonly Metric[]): Metric[] {
  const latest = new Map<string, Metric>();
  for (const m of history) {
    const cur = latest.get(m.key);
    if (!cur || isLater(m, cur)) latest.set(m.key, m);
  }
  return [...latest.values()];
}
