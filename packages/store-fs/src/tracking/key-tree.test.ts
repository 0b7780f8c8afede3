/** KeyTree / KeyValueFiles: nested keys, removed folders, and a snapshot that restores them. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/temp-store.js';
import { KeyValueFiles } from './key-tree.js';

const settle = () => new Promise((r) => setTimeout(r, 150)); // past the racy-mtime window

describe('KeyValueFiles', () => {
  it('follows nested keys as folders come and go, and restores them from a snapshot', async () => {
    const dir = tempDir();
    const put = (key: string, value: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, 'params', key)), { recursive: true });
      fs.writeFileSync(path.join(dir, 'params', key), value);
    };
    put('a', '1');
    put('b/c', '2');
    put('b/d/e', '3');
    const kv = new KeyValueFiles(dir, 'params');
    expect(kv.sync()).toBe(true);
    expect(Object.fromEntries(kv.values)).toEqual({ a: '1', 'b/c': '2', 'b/d/e': '3' });

    fs.rmSync(path.join(dir, 'params', 'b', 'd'), { recursive: true });
    put('f/g', '4');
    expect(kv.sync()).toBe(true);
    expect(Object.fromEntries(kv.values)).toEqual({ a: '1', 'b/c': '2', 'f/g': '4' });
    expect(kv.sync()).toBe(false);

    await settle();
    expect(kv.sync()).toBe(false);
    const snap = kv.snapshot(Date.now());
    expect(kv.tree.complete(snap.tree)).toBe(true);
    expect(snap.tree.listings.map(([rel]) => rel).sort()).toEqual(['', 'b', 'f']);
    const restored = new KeyValueFiles(dir, 'params');
    restored.restore(snap);
    expect(Object.fromEntries(restored.values)).toEqual(Object.fromEntries(kv.values));
    fs.writeFileSync(path.join(dir, 'params', 'b', 'c'), 'changed!');
    fs.rmSync(path.join(dir, 'params', 'f'), { recursive: true });
    expect(restored.sync()).toBe(true);
    expect(Object.fromEntries(restored.values)).toEqual({ a: '1', 'b/c': 'changed!' });
    expect(restored.tree.complete({ listings: [] })).toBe(false);
  });
});
