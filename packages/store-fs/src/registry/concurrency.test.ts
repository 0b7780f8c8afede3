/**
 * Version numbers under contention: concurrent creators in one process and in several processes
 * (children run the package's build, see test/built-store.ts) get 1..N without gaps or repeats.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureStoreBuilt } from '../../test/built-store.js';
import { tempDir } from '../../test/temp-store.js';
import { createFsRegistryStore } from './fs-registry-store.js';

// At wall-clock time `startAt` (so all children overlap), creates `count` versions of `name`
// concurrently, then prints their numbers as JSON.
const CHILD = `
import { pathToFileURL } from 'node:url';
const [entry, root, name, count, startAt] = process.argv.slice(1);
const { createFsRegistryStore } = await import(pathToFileURL(entry).href);
const store = createFsRegistryStore({ root });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const made = await Promise.all(Array.from({ length: Number(count) }, (_, i) =>
  store.createModelVersion({ name, source: 'runs:/' + process.pid + 'x' + i + '/model' })));
process.stdout.write(JSON.stringify(made.map((v) => Number(v.version))));
`;

let registryEntry: string;
beforeAll(async () => {
  registryEntry = await ensureStoreBuilt();
}, 120_000);

function createInChild(root: string, name: string, count: number, startAt: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const args = ['--input-type=module', '-e', CHILD, registryEntry, root, name, String(count), String(startAt)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

const ascending = (xs: number[]) => [...xs].sort((a, b) => a - b);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('concurrent model version creation', () => {
  it('8 concurrent creators in one process get versions 1-8', async () => {
    const root = path.join(tempDir('registry-conc-'), 'mlruns');
    const store = createFsRegistryStore({ root });
    await store.createRegisteredModel({ name: 'm' });
    const made = await Promise.all(
      range(8).map((i) => store.createModelVersion({ name: 'm', source: `runs:/r${i}/model` })),
    );
    expect(ascending(made.map((v) => Number(v.version)))).toEqual(range(8));
    const found = await store.searchModelVersions({ filter: "name = 'm'" });
    expect(ascending(found.items.map((v) => Number(v.version)))).toEqual(range(8));
    expect(new Set(found.items.map((v) => v.source)).size).toBe(8);
  });

  it('three processes and this one creating at once share 1..N without gaps or duplicates', async () => {
    const root = path.join(tempDir('registry-conc-'), 'mlruns');
    const store = createFsRegistryStore({ root });
    await store.createRegisteredModel({ name: 'shared' });
    const startAt = Date.now() + 1500; // after every child has loaded the store
    const here = new Promise((resolve) => setTimeout(resolve, startAt - Date.now())).then(() =>
      Promise.all(range(4).map((i) => store.createModelVersion({ name: 'shared', source: `runs:/here${i}/model` }))),
    );
    const results = await Promise.all([...range(3).map(() => createInChild(root, 'shared', 10, startAt)), here]);
    const all = [
      ...(results.slice(0, 3).flat() as number[]),
      ...(results[3] as { version: string }[]).map((v) => Number(v.version)),
    ];
    expect(ascending(all)).toEqual(range(34));
    const found = await store.searchModelVersions({ filter: "name = 'shared'", max_results: 100 });
    expect(ascending(found.items.map((v) => Number(v.version)))).toEqual(range(34));
    // each version's meta.yaml holds the source its creator sent: no version was written twice
    expect(new Set(found.items.map((v) => v.source)).size).toBe(34);
    expect((await store.getRegisteredModel('shared')).latest_versions.map((v) => v.version)).toEqual(['34']);
  });
});
