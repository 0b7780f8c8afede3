import { describe, expect, it } from 'vitest';
import { compileLikePattern } from './like-pattern.js';

const like = (pattern: string, value: string, ci = false) => compileLikePattern(pattern, ci)(value);

describe('compileLikePattern', () => {
  it('matches % and _ and treats everything else literally', () => {
    expect(like('GPT%', 'GPT-4')).toBe(true);
    expect(like('GPT%', 'gpt-4')).toBe(false);
    expect(like('gpt%', 'GPT-4', true)).toBe(true);
    expect(like('a_c', 'abc')).toBe(true);
    expect(like('a_c', 'abbc')).toBe(false);
    expect(like('a.c', 'abc')).toBe(false);
    expect(like('a.c', 'a.c')).toBe(true);
    expect(like('(x)+[y]', '(x)+[y]')).toBe(true);
    expect(like('100\\%', '100%')).toBe(true);
    expect(like('100\\%', '1000')).toBe(false);
    expect(like('a\\_c', 'a_c')).toBe(true);
    expect(like('a\\_c', 'abc')).toBe(false);
    expect(like('a\\\\c', 'a\\c')).toBe(true);
    expect(like('a\\c', 'a\\c')).toBe(true);
    expect(like('%', 'multi\nline')).toBe(true);
    expect(like('%', '')).toBe(true);
    expect(like('_', '')).toBe(false);
    expect(like('', '')).toBe(true);
    expect(like('', 'x')).toBe(false);
    expect(like('custom', 'also custom')).toBe(false);
    expect(like('%custom', 'also custom')).toBe(true);
    expect(like('%cu%om%', 'also custom')).toBe(true);
    expect(like('a%b%c', 'aXbYc')).toBe(true);
    expect(like('a%b%c', 'aXcYb')).toBe(false);
    expect(like('%ab%ab%', 'abab')).toBe(true);
    expect(like('%ab%ab%', 'aba')).toBe(false);
    expect(like('a%a', 'a')).toBe(false);
    expect(like('%_%_%', 'ab')).toBe(true);
    expect(like('%_%_%', 'a')).toBe(false);
  });

  it('counts a character outside the BMP as one character and folds case for ILIKE', () => {
    expect(like('_', '😀')).toBe(true);
    expect(like('a_b', 'a😀b')).toBe(true);
    expect(like('ÉTÉ', 'été', true)).toBe(true);
    expect(like('ÉTÉ', 'été')).toBe(false);
    expect(like('%X', 'abcx', true)).toBe(true);
  });

  it('agrees with a reference matcher on many small cases', () => {
    const alphabet = ['a', 'b', '%', '_'];
    const reference = (p: string, v: string): boolean => {
      if (p === '') return v === '';
      if (p[0] === '%') return reference(p.slice(1), v) || (v !== '' && reference(p, v.slice(1)));
      if (v === '') return false;
      return (p[0] === '_' || p[0] === v[0]) && reference(p.slice(1), v.slice(1));
    };
    const words = (n: number, letters: string[]): string[] =>
      n === 0
        ? ['']
        : words(n - 1, letters)
            .flatMap((w) => letters.map((c) => w + c))
            .concat(words(n - 1, letters));
    const patterns = [...new Set(words(4, alphabet))];
    const values = [...new Set(words(4, ['a', 'b']))];
    for (const p of patterns) for (const v of values) expect(like(p, v), `${p} ~ ${v}`).toBe(reference(p, v));
  });

  it('answers pathological patterns without backtracking (60 × % and %_%_%_%x on 2,000 characters)', () => {
    expect(like(`${'%'.repeat(60)}x`, 'Default')).toBe(false);
    expect(like(`${'%'.repeat(60)}x`, `${'a'.repeat(5000)}x`)).toBe(true);
    expect(like('%_%_%_%x', 'a'.repeat(2000))).toBe(false);
    expect(like('%_%_%_%x', `${'a'.repeat(2000)}x`)).toBe(true);
    expect(like(`${'%a'.repeat(40)}%b`, 'a'.repeat(2000), true)).toBe(false);
    expect(like(`${'%_'.repeat(500)}%x`, 'a'.repeat(8000))).toBe(false);
  });
});
