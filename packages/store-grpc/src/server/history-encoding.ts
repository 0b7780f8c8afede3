/**
 * Metric histories at the serialization limit. A get-history answer is one long list of flat
 * `Metric` messages, so it skips the generic mapping's walk over reflected fields:
 * - JSON: each point mapped by a function compiled for its message type, then one JSON.stringify —
 *   byte for byte what `toMlflowJson` + `JSON.stringify` give (NaN/±Infinity as strings, unset fields
 *   left out; the tests compare the two).
 * - protobuf: each point written once with a tight writer, no fromObject round trip.
 * A series keeps its encoded form: stores such as store-fs hand out the same Metric objects for a
 * series until it changes, so the encoded points are cached per series (keyed weakly on the first
 * point object, so the cache lives no longer than the store's own points) and reused while every
 * point is the same object (identity checked for every point); an append encodes only the new points
 * and a rewrite, which makes new objects, encodes afresh. Stores that build new objects per call
 * just miss the cache.
 */
import type protobuf from 'protobufjs';

type Point = Record<string, unknown>;
type FieldKind = 'string' | 'double' | 'int';
interface FieldSpec {
  name: string;
  id: number;
  kind: FieldKind;
}

/** The scalar fields of a flat message (Metric, MetricWithRunId) in field-number order. */
export function flatFieldsOf(type: protobuf.Type): FieldSpec[] | null {
  const out: FieldSpec[] = [];
  for (const f of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    f.resolve();
    if (f.repeated || f.resolvedType) return null;
    if (f.type === 'string') out.push({ name: f.name, id: f.id, kind: 'string' });
    else if (f.type === 'double') out.push({ name: f.name, id: f.id, kind: 'double' });
    else if (f.type === 'int64' || f.type === 'int32') out.push({ name: f.name, id: f.id, kind: 'int' });
    else return null;
  }
  return out;
}

// ---------------------------------------------------------------- JSON

type PointObject = (p: Point) => Record<string, unknown>;

/**
 * One point as the object MLflow's JSON mapping makes of it (known fields only, unset ones left out,
 * NaN/±Infinity doubles as strings), compiled once per message type with the field names as
 * literals. JSON.stringify of a list of these is byte for byte what `toMlflowJson` + JSON.stringify
 * give. Names come from our own .proto files (checked identifiers), never from input.
 */
function compilePointObject(fields: readonly FieldSpec[]): PointObject {
  const body = fields
    .map((f) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(f.name)) throw new Error(`unexpected field name ${f.name}`);
      const value = f.kind === 'double' ? "typeof v === 'number' && !Number.isFinite(v) ? String(v) : v" : 'v';
      return `v = p.${f.name}; if (v !== undefined && v !== null) o.${f.name} = ${value};`;
    })
    .join('\n');
  return new Function('p', `const o = {}; let v;\n${body}\nreturn o;`) as PointObject;
}

interface JsonCacheEntry {
  refs: Point[];
  text: string;
  bytes?: Buffer;
}
/**
 * The encoded points of a run's metric series (`p0,p1,…`, no brackets). A read of the same point
 * objects reuses the text (and its UTF-8 bytes), a read with points appended encodes only the new
 * ones; anything else (a page from the middle, a rewrite) is encoded afresh.
 */
class JsonSeriesCache {
  private readonly byFirst = new WeakMap<Point, JsonCacheEntry>();
  private readonly toObject: PointObject;
  /** The entry the last `join` answered from or made, when it covers the whole list. */
  private last: JsonCacheEntry | undefined;
  constructor(fields: FieldSpec[]) {
    this.toObject = compilePointObject(fields);
  }

  /** The list's JSON as UTF-8 bytes; a series read whole again reuses the same bytes. */
  bytes(items: readonly Point[]): Buffer {
    const text = this.join(items);
    const entry = this.last;
    if (!entry) return Buffer.from(text, 'utf8');
    entry.bytes ??= Buffer.from(text, 'utf8');
    return entry.bytes;
  }

  private encode(items: readonly Point[], from: number): string {
    const objects = new Array(items.length - from);
    for (let i = from; i < items.length; i++) objects[i - from] = this.toObject(items[i]!);
    return JSON.stringify(objects).slice(1, -1);
  }

  join(items: readonly Point[]): string {
    this.last = undefined;
    const n = items.length;
    if (n === 0) return '';
    const head = items[0]!;
    const cacheable = typeof head === 'object' && head !== null;
    const entry = cacheable ? this.byFirst.get(head) : undefined;
    let text: string;
    let refs: Point[];
    if (entry && entry.refs.length <= n && sameRefs(entry.refs, items)) {
      if (entry.refs.length === n) {
        this.last = entry;
        return entry.text;
      }
      text = `${entry.text},${this.encode(items, entry.refs.length)}`;
      refs = entry.refs.concat(items.slice(entry.refs.length));
    } else {
      text = this.encode(items, 0);
      refs = items.slice();
    }
    if (cacheable) {
      const fresh: JsonCacheEntry = { refs, text };
      this.byFirst.set(head, fresh);
      this.last = fresh;
    }
    return text;
  }
}

/** Whether `items` starts with exactly the objects in `refs`. */
function sameRefs(refs: readonly Point[], items: readonly Point[]): boolean {
  for (let i = 0; i < refs.length; i++) if (refs[i] !== items[i]) return false;
  return true;
}

// ---------------------------------------------------------------- protobuf

/** Grows as needed; one per encoder (synchronous use only). */
class ByteWriter {
  buf = Buffer.allocUnsafe(1 << 16);
  pos = 0;
  private readonly f64 = new Float64Array(1);
  private readonly f64b = new Uint8Array(this.f64.buffer);

  reset(): void {
    this.pos = 0;
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  /** Unsigned varint of a non-negative safe integer. */
  varint(v: number): void {
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** int64 as protobuf writes it: negative numbers as 10-byte two's complement. */
  int64(v: number): void {
    if (v >= 0) {
      this.varint(v);
      return;
    }
    let big = BigInt.asUintN(64, BigInt(v));
    while (big >= 0x80n) {
      this.buf[this.pos++] = Number(big & 0x7fn) | 0x80;
      big >>= 7n;
    }
    this.buf[this.pos++] = Number(big);
  }

  double(v: number): void {
    this.f64[0] = v;
    const b = this.f64b;
    for (let i = 0; i < 8; i++) this.buf[this.pos++] = b[i]!;
  }

  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

interface PbCacheEntry {
  refs: Point[];
  bytes: Buffer;
  ends: number[];
}

/**
 * Protobuf bytes of a repeated flat-message field (`field` number), each point framed as
 * `tag, length, message`, cached per series like the JSON. Returns null for a point it cannot write
 * exactly as protobufjs would (a non-integer int64, a value of the wrong type): the caller falls back.
 */
class PbSeriesCache {
  private readonly byFirst = new WeakMap<Point, PbCacheEntry>();
  private readonly w = new ByteWriter();
  private readonly msg = new ByteWriter();
  constructor(
    private readonly fields: FieldSpec[],
    private readonly field: number,
  ) {}

  private point(p: Point, strings: Map<string, Buffer>): boolean {
    const m = this.msg;
    m.reset();
    for (const f of this.fields) {
      const v = p[f.name];
      if (v === undefined || v === null) continue;
      if (f.kind === 'string') {
        if (typeof v !== 'string') return false;
        let b = strings.get(v);
        if (b === undefined) {
          b = Buffer.from(v, 'utf8');
          if (strings.size < 64) strings.set(v, b);
        }
        m.ensure(b.length + 16);
        m.varint((f.id << 3) | 2);
        m.varint(b.length);
        m.bytes(b);
      } else if (f.kind === 'double') {
        if (typeof v !== 'number') return false;
        m.ensure(16);
        m.varint((f.id << 3) | 1);
        m.double(v);
      } else {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false;
        m.ensure(16);
        m.varint(f.id << 3);
        m.int64(v);
      }
    }
    return true;
  }

  /** The encoded list, or null when some point needs the generic encoder. */
  encode(items: readonly Point[]): Buffer | null {
    const n = items.length;
    if (n === 0) return Buffer.alloc(0);
    const head = items[0]!;
    if (typeof head !== 'object' || head === null) return null;
    let entry = this.byFirst.get(head);
    let same = 0;
    if (entry) {
      const { refs } = entry;
      const max = Math.min(refs.length, n);
      while (same < max && refs[same] === items[same]) same++;
      if (same === 0) entry = undefined;
    }
    if (entry && same === n) return entry.bytes.subarray(0, entry.ends[n - 1]);
    const w = this.w;
    w.reset();
    const refs = entry ? entry.refs.slice(0, same) : [];
    const ends = entry ? entry.ends.slice(0, same) : [];
    const base = entry ? (entry.ends[same - 1] ?? 0) : 0;
    if (entry) {
      w.ensure(base);
      entry.bytes.copy(w.buf, 0, 0, base);
      w.pos = base;
    }
    const strings = new Map<string, Buffer>();
    const tag = (this.field << 3) | 2;
    for (let i = same; i < n; i++) {
      const p = items[i]!;
      if (typeof p !== 'object' || p === null || !this.point(p, strings)) return null;
      const m = this.msg;
      w.ensure(m.pos + 16);
      w.varint(tag);
      w.varint(m.pos);
      m.buf.copy(w.buf, w.pos, 0, m.pos);
      w.pos += m.pos;
      refs.push(p);
      ends.push(w.pos);
    }
    const bytes = Buffer.from(w.buf.subarray(0, w.pos));
    this.byFirst.set(head, { refs, bytes, ends });
    return bytes;
  }
}

// ---------------------------------------------------------------- responses

const OPEN = Buffer.from('{"metrics":[', 'utf8');

/** Fast encoders for a response `{ metrics: Point[]; next_page_token?: string }`. */
export interface HistoryResponseEncoder {
  /** MLflow's JSON text of the response. */
  json(res: object): string;
  /** The same JSON as UTF-8 bytes (a cached series answers with the bytes it encoded before). */
  jsonBytes(res: object): Buffer;
  /** Protobuf bytes of the response, or null when the generic encoder must be used. */
  protobuf(res: object): Buffer | null;
}

/** For `GetMetricHistory.Response`-shaped types: field 1 the metrics, optional string field 2. */
export function historyResponseEncoder(responseType: protobuf.Type): HistoryResponseEncoder | null {
  const fields = [...responseType.fieldsArray].sort((a, b) => a.id - b.id);
  const list = fields[0];
  if (!list || list.name !== 'metrics' || list.id !== 1 || !list.repeated) return null;
  list.resolve();
  const pointType = list.resolvedType;
  if (!pointType || !('fieldsArray' in pointType)) return null;
  const pointFields = flatFieldsOf(pointType as protobuf.Type);
  if (!pointFields) return null;
  const extra = fields.slice(1);
  if (extra.some((f) => f.type !== 'string' || f.repeated)) return null;
  const json = new JsonSeriesCache(pointFields);
  const jsonOf = (res: object, list: (metrics: Point[]) => string): string => {
    const r = res as Record<string, unknown>;
    const metrics = r.metrics as Point[] | undefined | null;
    let s = '{';
    let first = true;
    if (metrics && metrics.length > 0) {
      s += `"metrics":[${list(metrics)}]`;
      first = false;
    }
    for (const f of extra) {
      const v = r[f.name];
      if (v === undefined || v === null) continue;
      s += `${first ? '' : ','}${JSON.stringify(f.name)}:${JSON.stringify(v)}`;
      first = false;
    }
    return `${s}}`;
  };
  const pb = new PbSeriesCache(pointFields, list.id);
  return {
    json(res) {
      return jsonOf(res, (m) => json.join(m));
    },
    jsonBytes(res) {
      const r = res as Record<string, unknown>;
      const metrics = r.metrics as Point[] | undefined | null;
      if (!metrics || metrics.length === 0)
        return Buffer.from(
          jsonOf(res, () => ''),
          'utf8',
        );
      const body = json.bytes(metrics);
      const tail = jsonOf({ ...r, metrics: undefined }, () => '').slice(1);
      return Buffer.concat([OPEN, body, Buffer.from(tail === '}' ? ']}' : `],${tail}`, 'utf8')]);
    },
    protobuf(res) {
      const r = res as Record<string, unknown>;
      const metrics = r.metrics as Point[] | undefined | null;
      const body = metrics && metrics.length > 0 ? pb.encode(metrics) : Buffer.alloc(0);
      if (!body) return null;
      const tail: Buffer[] = [];
      for (const f of extra) {
        const v = r[f.name];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'string') return null;
        const w = new ByteWriter();
        const b = Buffer.from(v, 'utf8');
        w.ensure(b.length + 16);
        w.varint((f.id << 3) | 2);
        w.varint(b.length);
        w.bytes(b);
        tail.push(Buffer.from(w.buf.subarray(0, w.pos)));
      }
      return tail.length === 0 ? body : Buffer.concat([body, ...tail]);
    },
  };
}

const HISTORY_RPCS = new Set(['GetMetricHistory', 'GetMetricHistoryBulkInterval', 'GetMetricHistoryBulk']);

/** The fast encoder of an RPC's response, for the history RPCs; null for every other RPC. */
export function historyEncoderFor(rpc: string, responseType: protobuf.Type): HistoryResponseEncoder | null {
  return HISTORY_RPCS.has(rpc) ? historyResponseEncoder(responseType) : null;
}
