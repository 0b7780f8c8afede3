import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runArtifactRepositoryConformance } from '@mlflow-ts/format/testing';
import { describe, expect, it } from 'vitest';
import { createFsArtifactRepository } from '../index.js';
import { readAll } from '@mlflow-ts/format/testing';
import { tempDir } from '../../test/temp-store.js';

runArtifactRepositoryConformance('store-fs (file: URI)', async () => {
  const dir = tempDir('artifacts-');
  return {
    repo: createFsArtifactRepository(pathToFileURL(dir).href),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

runArtifactRepositoryConformance('store-fs (local path)', async () => {
  const dir = tempDir('artifacts-');
  return {
    repo: createFsArtifactRepository(dir),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

describe('fs artifact repository on disk', () => {
  it('writes real files, atomically, and never lists temp files', async () => {
    const dir = tempDir('artifacts-');
    const repo = createFsArtifactRepository(dir);
    await repo.writeArtifact('model/MLmodel', new TextEncoder().encode('flavors: {}\n'));
    expect(fs.readFileSync(path.join(dir, 'model', 'MLmodel'), 'utf8')).toBe('flavors: {}\n');
    fs.writeFileSync(path.join(dir, 'model', 'MLmodel.~123-abcd'), 'partial');
    expect((await repo.listArtifacts('model')).map((f) => f.path)).toEqual(['model/MLmodel']);
    expect(new TextDecoder().decode((await readAll(await repo.readArtifact('model/MLmodel'))).bytes)).toBe(
      'flavors: {}\n',
    );
    await expect(repo.readArtifact('../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    await expect(repo.readArtifact('nope')).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
