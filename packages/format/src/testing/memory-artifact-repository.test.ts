import { describe, expect, it } from 'vitest';
import { readAll, runArtifactRepositoryConformance } from './artifact-repository-conformance.js';
import { expectMlflowError } from './conformance-helpers.js';
import { createMemoryArtifactRepository } from './memory-artifact-repository.js';

runArtifactRepositoryConformance('memory', async () => ({ repo: createMemoryArtifactRepository() }));

describe('createMemoryArtifactRepository', () => {
  it('is rooted where it is told', () => {
    expect(createMemoryArtifactRepository().rootUri).toBe('memory:/');
    expect(createMemoryArtifactRepository('memory:/runs/1').rootUri).toBe('memory:/runs/1');
  });

  it('normalises paths and refuses files that collide with directories', async () => {
    const repo = createMemoryArtifactRepository();
    await repo.writeArtifact('./a//b.txt', new TextEncoder().encode('x'));
    expect(new TextDecoder().decode((await readAll(await repo.readArtifact('a/b.txt'))).bytes)).toBe('x');
    await expectMlflowError(repo.writeArtifact('a', new Uint8Array(1)), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(repo.writeArtifact('a/b.txt/c', new Uint8Array(1)), 'INVALID_PARAMETER_VALUE');
    await expectMlflowError(repo.readArtifact('a'), 'RESOURCE_DOES_NOT_EXIST');
  });

  it('keeps its own copy of written bytes', async () => {
    const repo = createMemoryArtifactRepository();
    const data = new Uint8Array([1, 2, 3]);
    await repo.writeArtifact('f', data);
    data[0] = 9;
    expect([...(await readAll(await repo.readArtifact('f'))).bytes]).toEqual([1, 2, 3]);
  });
});
