/**
 * The artifact-repository conformance suite:
 *
 *   runArtifactRepositoryConformance('local', async () => ({ repo: localRepo(tmp), cleanup }));
 *
 * `setup` runs before every test and must return an empty repository.
 */
import { describe, expect, it } from 'vitest';
import type { ArtifactRepository } from '../artifact-repository.js';
import { expectMlflowError } from './conformance-helpers.js';

export interface ArtifactRepositorySetup {
  repo: ArtifactRepository;
  cleanup?: () => Promise<void>;
}

const text = (s: string) => new TextEncoder().encode(s);

export async function readAll(source: AsyncIterable<Uint8Array>): Promise<{ bytes: Uint8Array; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.byteLength;
  }
  return { bytes, chunks: parts.length };
}

async function readText(repo: ArtifactRepository, path: string): Promise<string> {
  return new TextDecoder().decode((await readAll(await repo.readArtifact(path))).bytes);
}

/** Deterministic bytes that do not compress or repeat on chunk boundaries. */
function patternBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.slice(i, i + size);
}

const UNSAFE_PATHS = ['../x', '/etc/passwd', 'a/../../b'];

export function runArtifactRepositoryConformance(name: string, setup: () => Promise<ArtifactRepositorySetup>): void {
  async function withRepo(test: (repo: ArtifactRepository) => Promise<void>): Promise<void> {
    const { repo, cleanup } = await setup();
    try {
      await test(repo);
    } finally {
      await cleanup?.();
    }
  }

  describe(`ArtifactRepository conformance: ${name}`, () => {
    it('declares its contract version and root', () =>
      withRepo(async (repo) => {
        expect(repo.specificationVersion).toBe('v1');
        expect(typeof repo.rootUri).toBe('string');
        expect(repo.rootUri.length).toBeGreaterThan(0);
        expect(await repo.listArtifacts()).toEqual([]);
      }));

    it('writes and reads files from bytes and from async iterables', () =>
      withRepo(async (repo) => {
        await repo.writeArtifact('hello.txt', text('hello world'));
        await repo.writeArtifact('streamed.txt', inChunks(text('one two three'), 4));
        await repo.writeArtifact('empty.bin', new Uint8Array(0));
        await repo.writeArtifact('dir with space/ünï cödé.txt', text('unicode'));
        expect(await readText(repo, 'hello.txt')).toBe('hello world');
        expect(await readText(repo, 'streamed.txt')).toBe('one two three');
        expect((await readAll(await repo.readArtifact('empty.bin'))).bytes.byteLength).toBe(0);
        expect(await readText(repo, 'dir with space/ünï cödé.txt')).toBe('unicode');
      }));

    it('lists one level, sorted, with sizes for files and nested directories', () =>
      withRepo(async (repo) => {
        await repo.writeArtifact('b.txt', text('bb'));
        await repo.writeArtifact('a.txt', text('a'));
        await repo.writeArtifact('dir/c.txt', text('ccc'));
        await repo.writeArtifact('dir/sub/d.bin', new Uint8Array(10));
        const normalise = (infos: Awaited<ReturnType<ArtifactRepository['listArtifacts']>>) =>
          infos.map((f) =>
            f.is_dir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.file_size },
          );
        expect(normalise(await repo.listArtifacts())).toEqual([
          { path: 'a.txt', is_dir: false, file_size: 1 },
          { path: 'b.txt', is_dir: false, file_size: 2 },
          { path: 'dir', is_dir: true },
        ]);
        expect(normalise(await repo.listArtifacts('dir'))).toEqual([
          { path: 'dir/c.txt', is_dir: false, file_size: 3 },
          { path: 'dir/sub', is_dir: true },
        ]);
        expect(normalise(await repo.listArtifacts('dir/sub'))).toEqual([
          { path: 'dir/sub/d.bin', is_dir: false, file_size: 10 },
        ]);
        const dirEntry = (await repo.listArtifacts()).find((f) => f.path === 'dir');
        expect(dirEntry?.file_size ?? undefined).toBeUndefined();
        expect(await repo.listArtifacts('no-such-dir')).toEqual([]);
      }));

    it('overwrites a file with a shorter or longer one', () =>
      withRepo(async (repo) => {
        await repo.writeArtifact('f.txt', text('a fairly long first version'));
        await repo.writeArtifact('f.txt', text('short'));
        expect(await readText(repo, 'f.txt')).toBe('short');
        expect((await repo.listArtifacts()).map((f) => f.file_size)).toEqual([5]);
        await repo.writeArtifact('f.txt', text('a longer third version'));
        expect(await readText(repo, 'f.txt')).toBe('a longer third version');
      }));

    it(
      'streams a multi-megabyte file in chunks both ways',
      () =>
        withRepo(async (repo) => {
          const size = 5 * 1024 * 1024 + 123;
          const data = patternBytes(size);
          await repo.writeArtifact('big/model.bin', inChunks(data, 256 * 1024));
          expect((await repo.listArtifacts('big'))[0]).toMatchObject({
            path: 'big/model.bin',
            is_dir: false,
            file_size: size,
          });
          const { bytes, chunks } = await readAll(await repo.readArtifact('big/model.bin'));
          expect(chunks).toBeGreaterThan(1);
          expect(bytes.byteLength).toBe(size);
          expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).toBe(0);
        }),
      30_000,
    );

    it('keeps the old file when a write fails midway', () =>
      withRepo(async (repo) => {
        await repo.writeArtifact('model.bin', text('old contents'));
        async function* failing(): AsyncIterable<Uint8Array> {
          yield text('new contents that never fini');
          throw new Error('source broke');
        }
        await expect(repo.writeArtifact('model.bin', failing())).rejects.toThrow();
        expect(await readText(repo, 'model.bin')).toBe('old contents');
        expect((await repo.listArtifacts()).map((f) => f.path)).toEqual(['model.bin']);
      }));

    it('rejects unsafe paths', () =>
      withRepo(async (repo) => {
        for (const path of UNSAFE_PATHS) {
          await expectMlflowError(repo.writeArtifact(path, text('x')), 'INVALID_PARAMETER_VALUE');
          await expectMlflowError(repo.readArtifact(path), 'INVALID_PARAMETER_VALUE');
          await expectMlflowError(repo.listArtifacts(path), 'INVALID_PARAMETER_VALUE');
        }
        expect(await repo.listArtifacts()).toEqual([]);
      }));

    it('reports missing files as RESOURCE_DOES_NOT_EXIST', () =>
      withRepo(async (repo) => {
        const e = await expectMlflowError(repo.readArtifact('missing/file.txt'), 'RESOURCE_DOES_NOT_EXIST');
        expect(e.message).toContain('missing/file.txt');
      }));

    it('deletes files and directory trees when it supports deletion', () =>
      withRepo(async (repo) => {
        if (repo.deleteArtifacts === undefined) return; // optional capability
        await repo.writeArtifact('keep.txt', text('k'));
        await repo.writeArtifact('gone.txt', text('g'));
        await repo.writeArtifact('tree/a.txt', text('a'));
        await repo.writeArtifact('tree/deep/b.txt', text('b'));
        await repo.deleteArtifacts('gone.txt');
        await repo.deleteArtifacts('tree');
        expect((await repo.listArtifacts()).map((f) => f.path)).toEqual(['keep.txt']);
        await expectMlflowError(repo.readArtifact('tree/deep/b.txt'), 'RESOURCE_DOES_NOT_EXIST');
        await expectMlflowError(repo.deleteArtifacts('../outside'), 'INVALID_PARAMETER_VALUE');
      }));
  });
}
