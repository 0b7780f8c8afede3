/**
 * Token cursor plus the identifier grammar shared by filters and order_by clauses:
 *
 *   identifier := prefix '.' key | key
 *   prefix     := word | `word`                      (metrics, params, tags, attributes, datasets…)
 *   key        := word ('.' word)* | `quoted` | "quoted"
 *
 * A bare key is an attribute (`status`, `"run name"`); dots after the first belong to the key,
 * so `tags.mlflow.runName` is the tag `mlflow.runName`, as in MLflow.
 */
import { MlflowError } from '../errors.js';
import { DATASET_KEYS, ENTITY_RULES, IDENTIFIER_PREFIXES, describeTypes } from './entity-rules.js';
import type { Identifier, SearchEntity } from './entity-rules.js';
import type { Token, TokenKind } from './tokenizer.js';

/** What a key written as this kind of token should have been. */
const KEY_HINTS: Partial<Record<TokenKind, string>> = {
  sstring: ' (quote keys with backticks or double quotes, not single quotes)',
  number: ' (wrap keys starting with a digit in backticks)',
};

const RESERVED = ['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE', 'IS', 'NULL', 'BETWEEN'];

const ENTITY_LABEL: Record<SearchEntity, string> = {
  runs: 'runs',
  experiments: 'experiments',
  registered_models: 'registered models',
  model_versions: 'model versions',
  logged_models: 'logged models',
};

export function describeToken(tok: Token): string {
  if (tok.kind === 'eof') return 'the end of the input';
  if (tok.kind === 'invalid') return tok.problem ?? `'${tok.raw}'`;
  return `'${tok.raw}'`;
}

export class IdentifierReader {
  protected i = 0;
  /** Offset where the clause being read began: error messages quote the text from there. */
  protected clauseStart = 0;

  constructor(
    protected readonly tokens: Token[],
    protected readonly entity: SearchEntity,
    private readonly purpose: 'filter' | 'order_by',
    private readonly errorPrefix: string,
    private readonly input: string,
  ) {}

  protected peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const tok = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return tok;
  }

  protected fail(tok: Token, message: string): never {
    throw MlflowError.invalidParameter(`${this.errorPrefix} at position ${tok.pos + 1}: ${message}`);
  }

  /** The clause text up to (not including) `tok`, for "after '…'" in messages. */
  protected textBefore(tok: Token): string {
    const text = this.input.slice(this.clauseStart, tok.pos).trim();
    return text === '' ? this.input.slice(0, tok.pos).trim() : text;
  }

  protected readIdentifier(): { identifier: Identifier; text: string } {
    const first = this.next();
    this.clauseStart = first.pos;
    const rules = ENTITY_RULES[this.entity];
    const glued = (a: Token, b: Token) => b.kind === 'dot' && a.pos + a.raw.length === b.pos;
    let type: Identifier['type'] = 'attribute';
    let keyTok = first;
    let key: string;
    if ((first.kind === 'word' || first.kind === 'backtick') && glued(first, this.peek())) {
      const mapped = IDENTIFIER_PREFIXES[first.value];
      if (!mapped)
        this.fail(first, `invalid entity type '${first.value}'; expected one of ${describeTypes(rules.types)}`);
      type = mapped;
      this.next(); // the dot
      keyTok = this.next();
      if (keyTok.kind === 'word') {
        key = keyTok.value;
        while (
          glued(this.tokens[this.i - 1]!, this.peek()) &&
          this.peek(1).kind === 'word' &&
          this.peek(1).pos === this.peek().pos + 1
        ) {
          this.next();
          key += `.${this.next().value}`;
        }
      } else if (keyTok.kind === 'backtick' || keyTok.kind === 'dstring') {
        key = keyTok.value;
      } else {
        const hint = KEY_HINTS[keyTok.kind] ?? '';
        return this.fail(keyTok, `expected a key after '${first.raw}.', found ${describeToken(keyTok)}${hint}`);
      }
    } else if (first.kind === 'word' && !RESERVED.includes(first.value.toUpperCase())) {
      key = first.value;
    } else if (first.kind === 'backtick' || first.kind === 'dstring') {
      key = first.value;
    } else {
      const after = this.input.slice(0, first.pos).trim();
      const where = after === '' ? '' : ` after '${after}'`;
      return this.fail(
        first,
        `expected an identifier (e.g. metrics.accuracy, params.model, tags.team or an attribute)${where}, found ${describeToken(first)}`,
      );
    }
    const text = this.input.slice(first.pos, this.peek().pos).trim();
    return { identifier: this.validate(type, key, first, keyTok, text), text };
  }

  private validate(type: Identifier['type'], rawKey: string, first: Token, keyTok: Token, text: string): Identifier {
    const rules = ENTITY_RULES[this.entity];
    const types = this.purpose === 'filter' ? rules.types : rules.orderByTypes;
    const label = this.purpose === 'filter' ? 'filters' : 'order_by';
    if (!types.includes(type)) {
      this.fail(
        first,
        `'${first.value}' identifiers are not supported in ${label} for ${ENTITY_LABEL[this.entity]}; expected one of ${describeTypes(types)}`,
      );
    }
    if (rawKey === '') this.fail(keyTok, `empty key in '${text}'`);
    if (type === 'attribute') {
      const key = rules.aliases[rawKey] ?? rawKey;
      const valid = this.purpose === 'filter' ? Object.keys(rules.attributes) : rules.orderByAttributes;
      if (!valid.includes(key)) {
        this.fail(
          keyTok,
          `invalid attribute key '${rawKey}' for ${ENTITY_LABEL[this.entity]}; valid keys are ${valid.map((k) => `'${k}'`).join(', ')}`,
        );
      }
      return { type, key };
    }
    if (type === 'dataset' && !(DATASET_KEYS as readonly string[]).includes(rawKey)) {
      this.fail(
        keyTok,
        `invalid dataset key '${rawKey}'; valid keys are ${DATASET_KEYS.map((k) => `'${k}'`).join(', ')}`,
      );
    }
    return { type, key: rawKey };
  }
}
