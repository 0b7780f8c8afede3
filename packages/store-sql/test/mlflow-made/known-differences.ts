/**
 * Where our answers over an MLflow-made database still differ from MLflow's own server, each with the
 * part of mlflow-ts that owns it. A difference is undone on our answer only (`align`, which may look at
 * MLflow's answer to check how ours relates to it), so every other field is still compared exactly; the test fails when a listed difference no longer occurs, so the
 * entry is removed once it is fixed.
 */
import type { Recorded } from './harness.js';

export interface KnownDifference {
  id: string;
  /** What MLflow answers and what we answer instead; who owns the fix. */
  description: string;
  applies(rec: Recorded): boolean;
  /** Our answer with this difference undone (a copy; the inputs are not changed). */
  align(ours: unknown, mlflow: unknown): unknown;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** Every object in `value` (depth first) for which `pick` holds. */
function each(value: unknown, pick: (o: Json) => boolean, fn: (o: Json) => void): void {
  if (Array.isArray(value)) for (const v of value) each(v, pick, fn);
  else if (isObject(value)) {
    if (pick(value)) fn(value);
    for (const v of Object.values(value)) each(v, pick, fn);
  }
}

const isRun = (o: Json): boolean => isObject(o.info) && isObject(o.data);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'run-metrics-run-id',
    description:
      "MLflow's SQL store sends a run's latest metrics without run_id (its FileStore adds it); our REST " +
      'layer (store-grpc asMlflow3Run) adds run_id to every metric of data.metrics whatever the store.',
    applies: (rec) => rec.path.endsWith('/runs/get') || rec.path.endsWith('/runs/search'),
    align(ours) {
      const out = clone(ours);
      each(out, isRun, (run) => {
        const metrics = (run.data as Json).metrics;
        if (Array.isArray(metrics)) for (const m of metrics) if (isObject(m)) delete m.run_id;
      });
      return out;
    },
  },
  {
    id: 'metric-history-order',
    description:
      'MLflow orders get-history by (timestamp, step, value); the SQL tracking store returns another order ' +
      '(a duplicate step logged later comes last). Owner: sql-tracking.',
    applies: (rec) => rec.path.endsWith('/metrics/get-history'),
    align(ours) {
      const out = clone(ours);
      if (isObject(out) && Array.isArray(out.metrics)) {
        (out.metrics as Json[]).sort(
          (a, b) =>
            num(a.timestamp) - num(b.timestamp) ||
            num(a.step) - num(b.step) ||
            (a.value === 'NaN' ? 1 : b.value === 'NaN' ? -1 : num(a.value) - num(b.value)),
        );
      }
      return out;
    },
  },
  {
    id: 'logged-model-metrics-all-rows',
    description:
      "MLflow's SQL store sends every logged_model_metrics row of a logged model (here acc at step 0 twice, " +
      'at two times); the SQL logged-model store sends the latest per key only. Aligned only where ours is exactly ' +
      "the latest (step, then timestamp) per key of MLflow's rows. Owner: sql-models-traces.",
    applies: (rec) => rec.path.includes('/logged-models'),
    align(ours, mlflow) {
      const out = clone(ours);
      const theirs: Json[] = [];
      each(
        mlflow,
        (o) => isObject(o.info) && isObject(o.data) && typeof o.info.model_id === 'string',
        (m) => theirs.push(m),
      );
      each(
        out,
        (o) => isObject(o.info) && isObject(o.data) && typeof o.info.model_id === 'string',
        (m) => {
          const id = (m.info as Json).model_id;
          const match = theirs.find((t) => (t.info as Json).model_id === id);
          const all = match ? (match.data as Json).metrics : undefined;
          if (!Array.isArray(all)) return;
          const latest = new Map<string, Json>();
          for (const x of all as Json[]) {
            const key = String(x.key);
            const seen = latest.get(key);
            if (
              !seen ||
              num(x.step) > num(seen.step) ||
              (num(x.step) === num(seen.step) && num(x.timestamp) > num(seen.timestamp))
            ) {
              latest.set(key, x);
            }
          }
          const sorted = (list: unknown[]) => list.map((x) => JSON.stringify(x)).sort();
          const mine = (m.data as Json).metrics;
          if (Array.isArray(mine) && JSON.stringify(sorted(mine)) === JSON.stringify(sorted([...latest.values()]))) {
            (m.data as Json).metrics = clone(all);
          }
        },
      );
      return out;
    },
  },
];
