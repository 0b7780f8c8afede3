import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ArtifactRepository } from '../artifact-repository.js';
import { createMemoryArtifactRepository } from '../testing/index.js';
import { downloadArtifacts, logLocalDirectory, logLocalFile } from './transfer.js';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `format-${prefix}`));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

// Any ArtifactRepository will do; store-fs and the remote repositories run the same conformance suite.
const repos: [string, () => ArtifactRepository][] = [['memory', () => createMemoryArtifactRepository('memory://x')]];

describe.each(repos)('transfer helpers over a %s repository', (_name, makeRepo) => {
  it('uploads a file and a directory, downloads them back byte for byte, reporting progress', async () => {
    const repo = makeRepo();
    const src = tempDir('src-');
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    fs.writeFileSync(path.join(src, 'weights.bin'), big);
    fs.mkdirSync(path.join(src, 'model', 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'model', 'MLmodel'), 'flavors: {}\n');
    fs.writeFileSync(path.join(src, 'model', 'sub', 'x.txt'), 'x');

    const fileProgress: [number, number][] = [];
    await logLocalFile(repo, path.join(src, 'weights.bin'), 'blobs', (d, t) => fileProgress.push([d, t]));
    expect(fileProgress.at(-1)).toEqual([big.length, big.length]);
    expect(fileProgress.length).toBeGreaterThan(2); // streamed in chunks
    await logLocalDirectory(repo, path.join(src, 'model'), 'model');
    expect((await repo.listArtifacts('model')).map((f) => f.path)).toEqual(['model/MLmodel', 'model/sub']);

    const dst = tempDir('dst-');
    const dirProgress: [number, number][] = [];
    const local = await downloadArtifacts(repo, 'model', dst, (d, t) => dirProgress.push([d, t]));
    expect(local).toBe(path.join(dst, 'model'));
    expect(fs.readFileSync(path.join(dst, 'model', 'sub', 'x.txt'), 'utf8')).toBe('x');
    expect(dirProgress.at(-1)).toEqual([13, 13]);
    const one = await downloadArtifacts(repo, 'blobs/weights.bin', dst);
    expect(fs.readFileSync(one).equals(big)).toBe(true);
    await expect(downloadArtifacts(repo, 'nope', dst)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
