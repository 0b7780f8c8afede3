/**
 * `yaml.safe_load` semantics on top of the `yaml` package: YAML 1.1 documents whose plain scalars
 * resolve through PyYAML's own table (so `yes` is true, `1_000` is 1000, `1e5` stays a string, as in
 * Python), merge keys honoured, timestamps kept as strings.
 */
import { parseDocument, type ScalarTag } from 'yaml';
import { MlflowError } from '../errors.js';
import { type PyyamlScalarType, pyyamlSafeScalars } from './pyyaml-resolver.js';

/** PyYAML's implicit scalar types as `yaml` custom tags. */
export function pyyamlScalarTags(types: PyyamlScalarType[]): ScalarTag[] {
  return types.map((t) => ({ tag: `tag:yaml.org,2002:${t.tag}`, default: true, test: t.test, resolve: t.construct }));
}

const PYYAML_SCALAR_TAGS = pyyamlScalarTags(pyyamlSafeScalars());

/**
 * Parses one YAML 1.1 document with `tags` resolving plain scalars; the first syntax error becomes
 * INVALID_PARAMETER_VALUE `Invalid <what>: …`. `uniqueKeys: false` lets a later duplicate key win.
 */
export function loadPyyamlDocument(
  text: string,
  what: string,
  tags: ScalarTag[],
  opts: { uniqueKeys?: boolean } = {},
): unknown {
  const doc = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    customTags: tags,
    merge: true,
    prettyErrors: false,
    uniqueKeys: opts.uniqueKeys ?? true,
  });
  const first = doc.errors[0];
  if (first) throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid ${what}: ${first.message}`);
  return doc.toJS({ maxAliasCount: 100 });
}

/** Parses one YAML document as PyYAML's `safe_load` would; syntax errors become INVALID_PARAMETER_VALUE. */
export function safeLoadYaml(text: string, what = 'YAML document'): unknown {
  return loadPyyamlDocument(text, what, PYYAML_SCALAR_TAGS);
}
