/**
 * meta.yaml reading and writing the way MLflow does it (PyYAML `safe_dump`, block style, sorted keys,
 * unicode as is), plus the crash-safe write used for every small file: write a temp file in the same
 * directory, then rename over the target, so a reader sees the old file or the whole new one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { constructPyyamlIntExact, pyyamlSafeScalars } from '@mlflow-ts/format';
import { stringify } from 'yaml';

/** The part of js-yaml's API used here (it ships no type declarations of its own). */
interface JsYamlType {
  readonly tag: string;
}
interface JsYaml {
  Type: new (
    tag: string,
    opts: { kind: 'scalar'; resolve: (s: string | null) => boolean; construct: (s: string | null) => unknown },
  ) => JsYamlType;
  FAILSAFE_SCHEMA: { extend(def: { implicit: JsYamlType[] }): unknown };
  types: { merge: JsYamlType };
  load(text: string, opts: { schema: unknown; json: boolean; filename?: string }): unknown;
}
// Loaded with require because it has no bundled types; reading is ~10x faster than the `yaml` package.
const jsyaml = createRequire(import.meta.url)('js-yaml') as JsYaml;

/** PyYAML-compatible dump: YAML 1.1 quoting rules ('0', 'yes', '' are quoted), single quotes, no folding. */
export function dumpYaml(data: Record<string, unknown>): string {
  return stringify(data, {
    version: '1.1',
    sortMapEntries: true,
    singleQuote: true,
    lineWidth: 0,
    indentSeq: false,
    nullStr: 'null',
  });
}

// PyYAML's implicit resolvers and safe constructors (YAML 1.1, format's `pyyamlSafeScalars`): plain
// scalars matching them are bools, floats, ints or null; everything else, and every quoted scalar, is
// a string. Unlike YAML 1.2's core schema, `1e5` and `0o7` are strings here and `yes`, `0777`,
// `1_000` are not, exactly as when MLflow reads the file. Ints are exact (`constructPyyamlIntExact`).
const PYYAML_SAFE_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    ...pyyamlSafeScalars({ int: constructPyyamlIntExact }).map(
      ({ tag, test, construct }) =>
        new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
          kind: 'scalar',
          resolve: (s) => test.test(s ?? ''),
          construct: (s) => construct(s ?? ''),
        }),
    ),
    jsyaml.types.merge,
  ],
});

/**
 * Parses meta.yaml text as PyYAML's `safe_load` would (YAML 1.1 scalars, later duplicate keys win).
 * Throws on malformed input.
 */
export function parseYaml(text: string): unknown {
  return jsyaml.load(text, { schema: PYYAML_SAFE_SCHEMA, json: true });
}

/**
 * A temp name no MLflow key can collide with ('~' is outside the key alphabet `[/\w.\- :]`), so a
 * crash that leaves one behind never shows up as a param, tag or metric.
 */
export function tempNameFor(target: string): string {
  // pid + thread + counter is unique among live writers; the random part guards against a crashed
  // process's leftover with a recycled pid. Cheaper than fresh random bytes per file.
  return `${target}.~${TEMP_PREFIX}${(tempCounter++).toString(36)}`;
}
const TEMP_PREFIX = `${process.pid}-${threadId}-${randomBytes(3).toString('hex')}-`;
let tempCounter = 0;

export function isTempName(name: string): boolean {
  return name.includes('.~');
}

export function writeFileAtomicSync(target: string, data: string | Uint8Array): void {
  const tmp = tempNameFor(target);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Creates parent directories as needed (only when the first attempt finds them missing). */
export function writeFileAtomicMkdirSync(target: string, data: string | Uint8Array): void {
  try {
    writeFileAtomicSync(target, data);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    fs.mkdirSync(path.dirname(target), { recursive: true });
    writeFileAtomicSync(target, data);
  }
}

/**
 * Writes `target` only if it does not exist yet, atomically: the content lands in a temp file and is
 * hard-linked into place, which fails with EEXIST instead of overwriting. Returns false if it existed.
 */
export function createFileExclusiveSync(target: string, data: string, opts: { parentExists?: boolean } = {}): boolean {
  if (!opts.parentExists) fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempNameFor(target);
  fs.writeFileSync(tmp, data);
  try {
    fs.linkSync(tmp, target);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Already gone: nothing to clean up.
    }
  }
}

export function writeYamlSync(target: string, data: Record<string, unknown>): void {
  writeFileAtomicMkdirSync(target, dumpYaml(data));
}
