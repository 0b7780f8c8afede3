/**
 * google.protobuf.Timestamp and Duration between protobufjs's `{ seconds, nanos }` and what MLflow's
 * trace JSON holds (RFC 3339 / "0.325s" strings, or ms numbers), so the trace messages carry the
 * same objects the trace handlers and clients already speak. Only types that reach one pay for it.
 */
import { parseProtoDuration, parseProtoTimestamp } from '@mlflow-ts/format';
import type protobuf from 'protobufjs';

type Kind = 'timestamp' | 'duration' | 'message';
interface FieldPlan {
  name: string;
  kind: Kind;
  sub?: protobuf.Type;
}

const KINDS: Record<string, Kind> = {
  '.google.protobuf.Timestamp': 'timestamp',
  '.google.protobuf.Duration': 'duration',
};
const plans = new WeakMap<protobuf.Type, FieldPlan[] | null>();

/** Fields leading to a Timestamp or Duration, or null when none does (cycles count as none). */
function planOf(type: protobuf.Type, visiting = new Set<protobuf.Type>()): FieldPlan[] | null {
  if (plans.has(type)) return plans.get(type)!;
  if (visiting.has(type)) return null;
  visiting.add(type);
  const plan: FieldPlan[] = [];
  for (const f of type.fieldsArray) {
    f.resolve();
    const rt = f.resolvedType;
    if (!rt || !('fieldsArray' in rt)) continue;
    const kind = KINDS[rt.fullName];
    if (kind) plan.push({ name: f.name, kind });
    else if (planOf(rt as protobuf.Type, visiting))
      plan.push({ name: f.name, kind: 'message', sub: rt as protobuf.Type });
  }
  visiting.delete(type);
  const out = plan.length ? plan : null;
  plans.set(type, out);
  return out;
}

type Obj = Record<string, unknown>;

/** Canonical forms: a Timestamp's nanos are never negative; a Duration's share the sign of its seconds. */
function split(ms: number, kind: 'timestamp' | 'duration'): { seconds: number; nanos: number } {
  const seconds = kind === 'timestamp' ? Math.floor(ms / 1000) : Math.trunc(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

function toMs(v: unknown): number {
  const o = (v ?? {}) as { seconds?: number; nanos?: number };
  return Number(o.seconds ?? 0) * 1000 + Math.trunc(Number(o.nanos ?? 0) / 1e6);
}

function mapValues(v: unknown, each: (x: unknown) => unknown): unknown {
  if (Array.isArray(v)) return v.map(each);
  return v === undefined || v === null ? v : each(v);
}

/** A copy of `value` ready for `type.fromObject`: timestamps and durations as `{ seconds, nanos }`. */
export function wellKnownToWire(type: protobuf.Type, value: Obj): Obj {
  const plan = planOf(type);
  if (!plan) return value;
  const out: Obj = { ...value };
  for (const { name, kind, sub } of plan) {
    const v = out[name];
    if (v === undefined || v === null) continue;
    if (kind === 'timestamp') out[name] = split(parseProtoTimestamp(v, name), kind);
    else if (kind === 'duration') out[name] = split(parseProtoDuration(v, name), kind);
    else out[name] = mapValues(v, (x) => wellKnownToWire(sub!, x as Obj));
  }
  return out;
}

/** `value` (from `type.toObject`) with timestamps and durations as ms numbers, in place. */
export function wellKnownFromWire(type: protobuf.Type, value: Obj): Obj {
  const plan = planOf(type);
  if (!plan) return value;
  for (const { name, kind, sub } of plan) {
    const v = value[name];
    if (v === undefined || v === null) continue;
    if (kind === 'message') value[name] = mapValues(v, (x) => wellKnownFromWire(sub!, x as Obj));
    else value[name] = toMs(v);
  }
  return value;
}
