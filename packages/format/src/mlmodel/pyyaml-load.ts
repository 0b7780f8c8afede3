/**
 * `yaml.safe_load` semantics on top of the `yaml` package: YAML 1.1 documents whose plain scalars
 * resolve through PyYAML's own table (so `yes` is true, `1_000` is 1000, `1e5` stays a string, as in
 * Python), merge keys honoured, timestamps kept as strings.
 */
import { parseDocument, type ScalarTag } from 'yaml';
import { MlflowError } from '../errors.js';
import {
  PYYAML_BOOL_RE,
  PYYAML_FLOAT_RE,
  PYYAML_INT_RE,
  PYYAML_NULL_RE,
  constructPyyamlBool,
  constructPyyamlFloat,
  constructPyyamlInt,
} from './pyyaml-resolver.js';

const PYYAML_SCALAR_TAGS: ScalarTag[] = [
  // Order matters only where two patterns overlap; PyYAML's (bool, float, int, null) has none.
  { tag: 'tag:yaml.org,2002:bool', default: true, test: PYYAML_BOOL_RE, resolve: constructPyyamlBool },
  { tag: 'tag:yaml.org,2002:float', default: true, test: PYYAML_FLOAT_RE, resolve: constructPyyamlFloat },
  { tag: 'tag:yaml.org,2002:int', default: true, test: PYYAML_INT_RE, resolve: constructPyyamlInt },
  { tag: 'tag:yaml.org,2002:null', default: true, test: PYYAML_NULL_RE, resolve: () => null },
];

/** Parses one YAML document as PyYAML's `safe_load` would; syntax errors become INVALID_PARAMETER_VALUE. */
export function safeLoadYaml(text: string, what = 'YAML document'): unknown {
  const doc = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    customTags: PYYAML_SCALAR_TAGS,
    merge: true,
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Invalid ${what}: ${doc.errors[0]!.message}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
