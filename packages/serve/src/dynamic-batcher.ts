/**
 * Dynamic batching: tensor inputs of concurrent requests with the same feature shape, dtype and
 * params are concatenated along dim 0 into ONE model call, and the prediction is split back by row
 * counts. One batch runs at a time; requests arriving meanwhile form the next batch, which starts as
 * soon as the previous one completes, so batches grow with load. An idle model does not sit on a
 * lone request: it runs once the current I/O phase has queued whatever else came in with it, and
 * waits (at most `maxBatchDelayMs`) only while `arriving()` reports requests still on their way.
 */
import { isFloatList, markFloatList } from '@mlflow-ts/format';
import type { EnforcedInput, Prediction, Tensor } from '@mlflow-ts/format';

export interface DynamicBatcherOptions {
  /** Most rows in one merged call. */
  maxBatchSize: number;
  /** The longest an idle model waits for requests that `arriving` reports on their way. */
  maxBatchDelayMs: number;
  /**
   * How many requests have been received but not yet submitted (the server counts bodies still
   * being read). Default: none, so an idle model never waits longer than one event-loop turn.
   */
  arriving?(): number;
  onBatch?(rows: number, requests: number): void;
}

export type RunBatch = (input: EnforcedInput, params?: Record<string, unknown>) => Promise<Prediction>;

export interface DynamicBatcher {
  submit(input: EnforcedInput, params?: Record<string, unknown>): Promise<Prediction>;
  /** Waits for queued and running batches. */
  drain(): Promise<void>;
}

interface Item {
  key: string;
  rows: number;
  input: EnforcedInput;
  params?: Record<string, unknown>;
  resolve(p: Prediction): void;
  reject(e: unknown): void;
}

function tensorsOf(input: EnforcedInput): Record<string, Tensor> | undefined {
  if (input.kind === 'tensor') return { '': input.tensor };
  if (input.kind === 'tensors') return input.tensors;
  return undefined;
}

/** Rows and grouping key of a batchable input, or undefined when it cannot be merged with others. */
function batchKey(input: EnforcedInput, params?: Record<string, unknown>): { key: string; rows: number } | undefined {
  const tensors = tensorsOf(input);
  if (!tensors) return undefined;
  let rows = -1;
  const parts: string[] = [input.kind, JSON.stringify(params ?? null)];
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name]!;
    if (t.shape.length === 0) return undefined;
    if (rows >= 0 && t.shape[0] !== rows) return undefined;
    rows = t.shape[0]!;
    parts.push(`${name}:${t.dtype}:${t.shape.slice(1).join('x')}`);
  }
  return rows > 0 ? { key: parts.join('|'), rows } : undefined;
}

function concatData(parts: Tensor['data'][]): Tensor['data'] {
  const first = parts[0]!;
  if (Array.isArray(first)) return ([] as unknown[]).concat(...(parts as unknown[][]));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const Ctor = (first as Float32Array).constructor as new (n: number) => Float32Array;
  const out = new Ctor(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p as Float32Array, offset);
    offset += p.length;
  }
  return out as Tensor['data'];
}

function merge(items: Item[]): EnforcedInput {
  const all = items.map((i) => tensorsOf(i.input)!);
  const merged: Record<string, Tensor> = {};
  for (const name of Object.keys(all[0]!)) {
    const ts = all.map((t) => t[name]!);
    const rows = ts.reduce((n, t) => n + t.shape[0]!, 0);
    merged[name] = {
      dtype: ts[0]!.dtype,
      shape: [rows, ...ts[0]!.shape.slice(1)],
      data: concatData(ts.map((t) => t.data)),
    };
  }
  const kind = items[0]!.input.kind;
  return kind === 'tensor' ? { kind: 'tensor', tensor: merged['']! } : { kind: 'tensors', tensors: merged };
}

/** Splits a batch prediction by row counts; undefined when it is not row-aligned. */
function split(p: Prediction, counts: number[]): Prediction[] | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  const cut = (list: unknown[]): unknown[][] => {
    let at = 0;
    // A float tensor's slices stay floats for the JSON writer (`4.0`, as MLflow answers).
    const floats = isFloatList(list);
    return counts.map((c) => {
      const part = list.slice(at, (at += c));
      return floats ? markFloatList(part) : part;
    });
  };
  if (Array.isArray(p)) return p.length === total ? cut(p) : undefined;
  const entries = Object.entries(p);
  if (!entries.every(([, v]) => Array.isArray(v) && v.length === total)) return undefined;
  const cols = entries.map(([k, v]) => [k, cut(v as unknown[])] as const);
  return counts.map((_, i) => Object.fromEntries(cols.map(([k, parts]) => [k, parts[i]])));
}

export function createDynamicBatcher(run: RunBatch, opts: DynamicBatcherOptions): DynamicBatcher {
  const queue: Item[] = [];
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const arriving = opts.arriving ?? (() => 0);

  const runOne = async (item: Item) => {
    try {
      opts.onBatch?.(item.rows, 1);
      item.resolve(await run(item.input, item.params));
    } catch (e) {
      item.reject(e);
    }
  };

  const runGroup = async (items: Item[]) => {
    if (items.length === 1) return runOne(items[0]!);
    const counts = items.map((i) => i.rows);
    let prediction: Prediction;
    try {
      prediction = await run(merge(items), items[0]!.params);
    } catch {
      // One bad request must not fail its neighbours: rerun alone so each gets its own answer.
      for (const item of items) await runOne(item);
      return;
    }
    const parts = split(prediction, counts);
    if (!parts) {
      for (const item of items) await runOne(item);
      return;
    }
    opts.onBatch?.(
      counts.reduce((a, b) => a + b, 0),
      items.length,
    );
    items.forEach((item, i) => item.resolve(parts[i]!));
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
    if (running || queue.length === 0) return;
    const key = queue[0]!.key;
    const group: Item[] = [];
    let rows = 0;
    for (let i = 0; i < queue.length; ) {
      const item = queue[i]!;
      if (item.key === key && (group.length === 0 || rows + item.rows <= opts.maxBatchSize)) {
        group.push(item);
        rows += item.rows;
        queue.splice(i, 1);
      } else i++;
    }
    running = runGroup(group).finally(() => {
      running = undefined;
      // Whoever queued meanwhile has already waited one model call: go now.
      flush();
    });
  };

  /** The model is idle and requests are queued: run after this I/O phase, or wait for the ones on their way. */
  const schedule = () => {
    if (arriving() > 0) {
      timer ??= setTimeout(flush, opts.maxBatchDelayMs);
      return;
    }
    if (timer) clearTimeout(timer);
    timer = undefined;
    immediate ??= setImmediate(flush);
  };

  return {
    submit(input, params) {
      const k = batchKey(input, params);
      return new Promise<Prediction>((resolve, reject) => {
        if (!k) {
          // Not mergeable (tabular, scalar): run it now, alongside batches.
          void runOne({ key: '', rows: 1, input, params, resolve, reject });
          return;
        }
        queue.push({ ...k, input, params, resolve, reject });
        if (running) return;
        if (queue.reduce((n, i) => n + i.rows, 0) >= opts.maxBatchSize) flush();
        else schedule();
      });
    },
    async drain() {
      while (running || queue.length) {
        flush();
        await running;
      }
    },
  };
}
