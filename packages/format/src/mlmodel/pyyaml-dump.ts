/**
 * `yaml.safe_dump(data, default_flow_style=False)` byte for byte. MLflow writes MLmodel, conda.yaml,
 * meta.yaml … with PyYAML, and no JS YAML library reproduces PyYAML's layout: it breaks a long scalar
 * at the first space *after* column 80 (so lines overflow), writes sequences under a mapping key
 * without indenting them, and has its own quoting rules. This is a port of the few parts of PyYAML's
 * emitter (yaml/emitter.py) that block-style, tag-free, anchor-free output reaches. Reading stays
 * with the `yaml` package (see `safeLoadYaml`).
 */
import { MlflowError } from '../errors.js';
import { pyyamlFloatRepr, pyyamlImplicitTag } from './pyyaml-resolver.js';
import { writeDoubleQuoted, writePlain, writeSingleQuoted, type ScalarWriter } from './pyyaml-scalar-writers.js';
import { analyzeScalar } from './pyyaml-scalar-analysis.js';

export interface SafeDumpOptions {
  /** `sort_keys` (PyYAML default true). python_env.yaml is written with false. */
  sortKeys?: boolean;
  /** `allow_unicode` (default false: non-ASCII is escaped in double quotes, as in MLmodel). */
  allowUnicode?: boolean;
  /** `width` (PyYAML default 80). */
  width?: number;
}

type Node =
  | { kind: 'scalar'; value: string; plainOk: boolean }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'map'; pairs: Array<[Node & { kind: 'scalar' }, Node]> };

/** Python sorts str keys by code point; JS `<` compares UTF-16 units, which differs above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** SafeRepresenter: JS value → node graph (values JSON cannot hold are rejected, naming the path). */
function represent(value: unknown, sortKeys: boolean, path: string): Node {
  if (value === null || value === undefined) return { kind: 'scalar', value: 'null', plainOk: true };
  if (typeof value === 'boolean') return { kind: 'scalar', value: value ? 'true' : 'false', plainOk: true };
  if (typeof value === 'bigint') return { kind: 'scalar', value: value.toString(), plainOk: true };
  if (typeof value === 'number') {
    // JS has one number type: safe integers are written as Python ints, everything else as a float.
    const text = Number.isSafeInteger(value) && !Object.is(value, -0) ? value.toFixed(0) : pyyamlFloatRepr(value);
    return { kind: 'scalar', value: text, plainOk: true };
  }
  if (typeof value === 'string') return { kind: 'scalar', value, plainOk: pyyamlImplicitTag(value) === 'str' };
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v, i) => represent(v, sortKeys, `${path}[${i}]`)) };
  if (
    typeof value === 'object' &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  ) {
    // Like JSON.stringify, keys whose value is undefined are left out.
    let keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (sortKeys) keys = keys.sort(compareCodePoints);
    return {
      kind: 'map',
      pairs: keys.map((k) => [
        { kind: 'scalar', value: k, plainOk: pyyamlImplicitTag(k) === 'str' },
        represent((value as Record<string, unknown>)[k], sortKeys, path ? `${path}.${k}` : k),
      ]),
    };
  }
  const what = value instanceof Date ? 'a Date (write it as a string)' : `a ${typeof value}`;
  throw new MlflowError('INVALID_PARAMETER_VALUE', `Cannot write YAML: value at '${path || '<root>'}' is ${what}`);
}

/** The emitter's state machine, flattened into recursion over the node graph. */
class Emitter implements ScalarWriter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  openEnded = false;
  indent: number | null = null;
  private readonly indents: Array<number | null> = [];
  private flowLevel = 0;

  constructor(
    readonly bestWidth: number,
    readonly allowUnicode: boolean,
  ) {}

  write(data: string, length: number): void {
    this.out += data;
    this.column += length;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data, data.length);
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column), indent - this.column);
    }
  }

  writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? 2 : 0;
    else if (!indentless) this.indent += 2;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  emitNode(node: Node, ctx: { root?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    if (node.kind === 'scalar') {
      this.increaseIndent(true);
      this.processScalar(node, ctx.simpleKey === true, ctx.root === true);
      this.popIndent();
    } else if (this.flowLevel > 0 || (node.kind === 'seq' ? node.items.length === 0 : node.pairs.length === 0)) {
      // default_flow_style=False leaves only empty collections in flow style: `[]`, `{}`.
      const [open, close] = node.kind === 'seq' ? ['[', ']'] : ['{', '}'];
      this.writeIndicator(open, true, true);
      this.flowLevel++;
      this.increaseIndent(true);
      this.popIndent();
      this.flowLevel--;
      this.writeIndicator(close, false);
    } else if (node.kind === 'seq') {
      this.increaseIndent(false, ctx.mapping === true && !this.indention);
      for (const item of node.items) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.emitNode(item, {});
      }
      this.popIndent();
    } else {
      this.increaseIndent(false);
      for (const [key, value] of node.pairs) {
        this.writeIndent();
        const analysis = analyzeScalar(key.value, this.allowUnicode);
        // check_simple_key counts the prepared tag too: the event carries `!!str` (5 characters).
        const simple = Array.from(key.value).length + 5 < 128 && !analysis.empty && !analysis.multiline;
        if (simple) {
          this.emitNode(key, { mapping: true, simpleKey: true });
          this.writeIndicator(':', false);
        } else {
          this.writeIndicator('?', true, false, true);
          this.emitNode(key, { mapping: true });
          this.writeIndent();
          this.writeIndicator(':', true, false, true);
        }
        this.emitNode(value, { mapping: true });
      }
      this.popIndent();
    }
  }

  /** choose_scalar_style + process_scalar for an untagged, unstyled scalar event. */
  private processScalar(node: Node & { kind: 'scalar' }, simpleKey: boolean, root: boolean): void {
    const a = analyzeScalar(node.value, this.allowUnicode);
    const split = !simpleKey;
    const plainAllowed = this.flowLevel > 0 ? a.allowFlowPlain : a.allowBlockPlain;
    if (node.plainOk && !(simpleKey && (a.empty || a.multiline)) && plainAllowed) {
      if (root) this.openEnded = true;
      writePlain(this, node.value, split);
    } else if (a.allowSingleQuoted && !(simpleKey && a.multiline)) {
      writeSingleQuoted(this, node.value, split);
    } else {
      writeDoubleQuoted(this, node.value, split);
    }
  }
}

/** `yaml.safe_dump(value, default_flow_style=False, …)` as PyYAML 6 writes it. */
export function safeDumpYaml(value: unknown, options: SafeDumpOptions = {}): string {
  const node = represent(value, options.sortKeys ?? true, '');
  const e = new Emitter(options.width ?? 80, options.allowUnicode ?? false);
  e.emitNode(node, { root: true });
  // Document end, then stream end: a plain root scalar is "open ended" and gets `...`.
  e.writeIndent();
  if (e.openEnded) {
    e.writeIndicator('...', true);
    e.writeIndent();
  }
  return e.out;
}
