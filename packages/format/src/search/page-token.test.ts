import { describe, expect, it } from 'vitest';
import { catchMlflowError } from '../testing/conformance-helpers.js';
import { decodePageToken, encodePageToken, paginate } from './page-token.js';

const rejected = (token: string): string =>
  catchMlflowError(() => decodePageToken(token), 'INVALID_PARAMETER_VALUE').message;

describe('page tokens', () => {
  it("encodes exactly like Python's base64(json.dumps({'offset': N}))", () => {
    expect(encodePageToken(1000)).toBe('eyJvZmZzZXQiOiAxMDAwfQ==');
    expect(encodePageToken(1)).toBe('eyJvZmZzZXQiOiAxfQ==');
    expect(encodePageToken(25000)).toBe('eyJvZmZzZXQiOiAyNTAwMH0=');
  });

  it('decodes MLflow tokens and round-trips', () => {
    expect(decodePageToken('eyJvZmZzZXQiOiAxMDAwfQ==')).toBe(1000);
    expect(decodePageToken(globalThis.btoa('{"offset":7}'))).toBe(7);
    expect(decodePageToken(globalThis.btoa('{"offset": "12"}'))).toBe(12);
    for (const n of [1, 2, 999, 50000, 2 ** 40]) expect(decodePageToken(encodePageToken(n))).toBe(n);
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it('rejects undecodable, malformed and non-positive tokens', () => {
    expect(rejected('not base64!!')).toMatch(/^Invalid page token, could not base64-decode/);
    expect(rejected(globalThis.btoa('not json'))).toMatch(/^Invalid page token, decoded value=/);
    expect(rejected(globalThis.btoa('{"offset": 0}'))).toMatch(/^Invalid page token, parsed value=/);
    expect(rejected(globalThis.btoa('{"offset": -5}'))).toMatch(/^Invalid page token/);
    expect(rejected(globalThis.btoa('{"offset": 1.5}'))).toMatch(/^Invalid page token/);
    expect(rejected(globalThis.btoa('{"start": 5}'))).toMatch(/^Invalid page token/);
    expect(rejected(globalThis.btoa('[5]'))).toMatch(/^Invalid page token/);
  });

  it('paginates with a next token only while items remain', () => {
    const items = Array.from({ length: 5 }, (_, i) => i);
    const first = paginate(items, 2);
    expect(first).toEqual({ items: [0, 1], next_page_token: encodePageToken(2) });
    const second = paginate(items, 2, first.next_page_token);
    expect(second).toEqual({ items: [2, 3], next_page_token: encodePageToken(4) });
    expect(paginate(items, 2, second.next_page_token)).toEqual({ items: [4] });
    expect(paginate(items, 5)).toEqual({ items });
    expect(paginate(items, 10, encodePageToken(50))).toEqual({ items: [] });
  });
});
