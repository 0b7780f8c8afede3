/**
 * meta.yaml reading and writing the way MLflow does it (PyYAML `safe_dump`, block style, sorted keys,
 * unicode as is), plus the crash-safe write used for every small file: write a temp file in the same
 * directory, then rename over the target, so a reader sees the old file or the whole new one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse, stringify } from 'yaml';

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

/** Parses meta.yaml text as PyYAML's `safe_load` would (YAML 1.1). Throws on malformed input. */
export function parseYaml(text: string): unknown {
  return parse(text, { version: '1.1' });
}

/**
 * A temp name no MLflow key can collide with ('~' is outside the key alphabet `[/\w.\- :]`), so a
 * crash that leaves one behind never shows up as a param, tag or metric.
 */
export function tempNameFor(target: string): string {
  return `${target}.~${process.pid}-${randomBytes(4).toString('hex')}`;
}

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

/** Creates parent directories as needed. */
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
export function createFileExclusiveSync(target: string, data: string): boolean {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = tempNameFor(target);
  fs.writeFileSync(tmp, data);
  try {
    fs.linkSync(tmp, target);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export function writeYamlSync(target: string, data: Record<string, unknown>): void {
  writeFileAtomicMkdirSync(target, dumpYaml(data));
}
