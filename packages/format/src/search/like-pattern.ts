/**
 * SQL LIKE as a RegExp: `%` is any run of characters, `_` exactly one, everything else literal
 * (a backslash escapes `%`, `_` or itself). MLflow's file store turns the pattern into a regex
 * without escaping, so `.` there matches anything; we follow SQL, which its SQL store also does.
 */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length && '%_\\'.includes(pattern[i + 1]!)) {
      source += escapeRegExp(pattern[++i]!);
    } else if (c === '%') {
      source += '.*';
    } else if (c === '_') {
      source += '.';
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}
