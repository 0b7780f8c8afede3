/**
 * Lexer for MLflow's filter dialect. MLflow itself leans on `sqlparse`; a hand-written lexer is
 * the honest choice here because no JS library speaks this SQL-ish fragment, and we need exact
 * character positions for error messages.
 *
 * Never throws: characters it cannot place become `invalid` tokens so the parser can say what it
 * expected at that column, which reads better than a bare "unexpected character".
 */

export type TokenKind =
  | 'word' // bare name or keyword: [A-Za-z_][A-Za-z0-9_$]*
  | 'backtick' // `quoted name`
  | 'dstring' // "double quoted": a value, or a key where a key is expected
  | 'sstring' // 'single quoted' value
  | 'number'
  | 'dot'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'op' // any run of = ! < >
  | 'invalid'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Unquoted / unescaped text (for `number`, the literal as written). */
  value: string;
  /** The source text of the token, quotes included. */
  raw: string;
  /** 0-based offset into the filter string. */
  pos: number;
  /** For `invalid`: why (e.g. an unterminated string). */
  problem?: string;
}

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_$]/;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OP_CHAR = /[=!<>]/;

/** Keywords compared case-insensitively by the parser. */
export function isKeyword(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.value.toUpperCase() === keyword;
}

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      const { value, end, closed } = readQuoted(input, i, c);
      const raw = input.slice(start, end);
      if (!closed) {
        tokens.push(invalidToken(raw, start, `unterminated ${quoteName(c)} starting at position ${start + 1}`));
      } else {
        tokens.push({ kind: c === "'" ? 'sstring' : c === '"' ? 'dstring' : 'backtick', value, raw, pos: start });
      }
      i = end;
      continue;
    }
    // A name or an operator: the longest run of its characters (the two start sets are disjoint).
    const run = WORD_START.test(c) ? 'word' : OP_CHAR.test(c) ? 'op' : undefined;
    if (run) {
      i = runEnd(input, i + 1, run === 'word' ? WORD_CHAR : OP_CHAR);
      tokens.push(plainToken(run, input.slice(start, i), start));
      continue;
    }
    // A '.' right after a name is a separator (`metrics.acc`); elsewhere `.5` is a number.
    const prev = tokens[tokens.length - 1];
    const glued =
      prev !== undefined &&
      prev.pos + prev.raw.length === i &&
      (prev.kind === 'word' || prev.kind === 'backtick' || prev.kind === 'dstring');
    if (c === '.' && glued) {
      tokens.push(plainToken('dot', '.', start));
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(input);
    if (num) {
      let end = i + num[0].length;
      if (end < n && WORD_START.test(input[end]!)) {
        // `1st_iteration`: neither a number nor a bare name.
        end = runEnd(input, end, WORD_CHAR);
        const raw = input.slice(i, end);
        tokens.push(invalidToken(raw, start, `'${raw}' (names starting with a digit must be quoted with backticks)`));
      } else {
        tokens.push(plainToken('number', num[0], start));
      }
      i = end;
      continue;
    }
    const single: Partial<Record<string, TokenKind>> = { '(': 'lparen', ')': 'rparen', ',': 'comma', '.': 'dot' };
    const kind = single[c];
    tokens.push(kind ? plainToken(kind, c, start) : invalidToken(c, start, `unexpected character '${c}'`));
    i++;
  }
  tokens.push(plainToken('eof', '', n));
  return tokens;
}

/** A token whose value is its source text. */
function plainToken(kind: TokenKind, raw: string, pos: number): Token {
  return { kind, value: raw, raw, pos };
}

function invalidToken(raw: string, pos: number, problem: string): Token {
  return { kind: 'invalid', value: raw, raw, pos, problem };
}

/** The end of the run of `chars` starting at `from`. */
function runEnd(input: string, from: number, chars: RegExp): number {
  let j = from;
  while (j < input.length && chars.test(input[j]!)) j++;
  return j;
}

function quoteName(q: string): string {
  return q === '`' ? 'backtick-quoted name' : 'string';
}

/**
 * Reads a quoted token. A doubled quote (`''`), `\'` and `\\` stand for the character itself, so
 * `'it''s'` and `'it\'s'` both mean `it's`. Any other backslash is literal, which keeps Windows
 * paths and regex-looking values (`'C:\data'`) exactly as typed, as MLflow does.
 */
function readQuoted(input: string, start: number, quote: string): { value: string; end: number; closed: boolean } {
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '\\' && quote !== '`' && (input[i + 1] === quote || input[i + 1] === '\\')) {
      value += input[i + 1];
      i += 2;
      continue;
    }
    if (c === quote) {
      if (input[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1, closed: true };
    }
    value += c;
    i++;
  }
  return { value, end: input.length, closed: false };
}
