/**
 * SQL LIKE without regular expressions: `%` is any run of characters, `_` exactly one character
 * (a code point), everything else literal (a backslash escapes `%`, `_` or itself). MLflow's file
 * store turns the pattern into a regex without escaping, so `.` there matches anything; we follow
 * SQL, which its SQL store also does.
 *
 * A regex such as `^.*.*.*x$` backtracks exponentially in the number of `%`, so one filter could
 * stop the server. This matcher splits the pattern at `%` into segments and places each segment at
 * its leftmost possible position (greedy, never revisited), which is correct for `%`-separated
 * segments and costs O(value length × pattern length) in the worst case, whatever the pattern.
 */

/** One segment between `%`s: a code point (case-folded for ILIKE) or `undefined` for `_`. */
type Segment = readonly (string | undefined)[];

interface CompiledLike {
  /** The pattern has no `%`: the whole value must match `head` exactly. */
  exact: boolean;
  head: Segment;
  middle: readonly Segment[];
  tail: Segment;
}

/** A predicate for one LIKE (or ILIKE, `caseInsensitive`) pattern; compile once, test many values. */
export function compileLikePattern(pattern: string, caseInsensitive: boolean): (value: string) => boolean {
  const compiled = compile(pattern, caseInsensitive);
  return (value) => matches(compiled, codePoints(value, caseInsensitive));
}

function fold(c: string, caseInsensitive: boolean): string {
  return caseInsensitive ? c.toUpperCase().toLowerCase() : c;
}

/** Every character below U+0080 (checked without a control-character regex). */
function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * The value as indexable characters: the string itself when every character is one UTF-16 unit
 * (no allocation — the common case), else an array of code points, each case-folded for ILIKE.
 */
function codePoints(value: string, caseInsensitive: boolean): ArrayLike<string> {
  if (!caseInsensitive && !SURROGATE.test(value)) return value;
  if (caseInsensitive && isAscii(value)) return value.toLowerCase();
  const out: string[] = [];
  for (const c of value) out.push(fold(c, caseInsensitive));
  return out;
}

function compile(pattern: string, caseInsensitive: boolean): CompiledLike {
  const segments: (string | undefined)[][] = [[]];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    if (c === '\\' && next !== undefined && (next === '%' || next === '_' || next === '\\')) {
      segments[segments.length - 1]!.push(next);
      i++;
    } else if (c === '%') {
      segments.push([]);
    } else if (c === '_') {
      segments[segments.length - 1]!.push(undefined);
    } else {
      segments[segments.length - 1]!.push(fold(c, caseInsensitive));
    }
  }
  const head = segments[0]!;
  if (segments.length === 1) return { exact: true, head, middle: [], tail: [] };
  // Consecutive `%` give empty middle segments, which match anywhere: drop them.
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  return { exact: false, head, middle, tail: segments[segments.length - 1]! };
}

function matchesAt(segment: Segment, value: ArrayLike<string>, at: number): boolean {
  for (let j = 0; j < segment.length; j++) {
    const want = segment[j];
    if (want !== undefined && want !== value[at + j]) return false;
  }
  return true;
}

function matches(p: CompiledLike, value: ArrayLike<string>): boolean {
  const n = value.length;
  if (p.exact) return n === p.head.length && matchesAt(p.head, value, 0);
  if (p.head.length + p.tail.length > n) return false;
  if (!matchesAt(p.head, value, 0)) return false;
  const tailStart = n - p.tail.length;
  if (!matchesAt(p.tail, value, tailStart)) return false;
  let pos = p.head.length;
  for (const segment of p.middle) {
    const last = tailStart - segment.length;
    let found = -1;
    for (let at = pos; at <= last; at++) {
      if (matchesAt(segment, value, at)) {
        found = at;
        break;
      }
    }
    if (found === -1) return false;
    pos = found + segment.length;
  }
  return true;
}
