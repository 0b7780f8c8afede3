import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { useFileStore } from '../../../test/cli-harness.js';

const fx = useFileStore();
let runId: string;

beforeEach(async () => {
  runId = (await fx.store.createRun({ experiment_id: '0', start_time: 1, tags: [] })).info.run_id;
});

describe('mlflow-ts artifacts', () => {
  it('logs a file and a directory, lists them (REST body with --json) and downloads them back', async () => {
    const local = path.join(fx.dir, 'local');
    await mkdir(path.join(local, 'nested'), { recursive: true });
    await writeFile(path.join(local, 'weights.bin'), Buffer.alloc(1500, 7));
    await writeFile(path.join(local, 'nested', 'conf.json'), '{"a":1}');
    await writeFile(path.join(fx.dir, 'single.txt'), 'one');

    expect(await fx.cli(['artifacts', 'log', '-r', runId, '-l', local, '-a', 'model'])).toContain('Logged directory');
    expect(
      await fx.cli(['artifacts', 'log', '--run-id', runId, '--local-path', path.join(fx.dir, 'single.txt')]),
    ).toContain('Logged file');

    const artifactUri = (await fx.store.getRun(runId)).info.artifact_uri;
    const root = JSON.parse(await fx.cli(['artifacts', 'list', '-r', runId, '--json']));
    expect(root).toEqual({
      root_uri: artifactUri,
      files: [
        { path: 'model', is_dir: true },
        { path: 'single.txt', is_dir: false, file_size: 3 },
      ],
    });
    const model = JSON.parse(await fx.cli(['artifacts', 'list', '-r', runId, '-a', 'model', '--json']));
    expect(model.files).toEqual([
      { path: 'model/nested', is_dir: true },
      { path: 'model/weights.bin', is_dir: false, file_size: 1500 },
    ]);
    const table = await fx.cli(['artifacts', 'list', '-r', runId, '-a', 'model']);
    expect(table).toContain('model/nested/');
    expect(table).toContain('1.5 KiB');

    const dst = path.join(fx.dir, 'dl');
    const printed = (await fx.cli(['artifacts', 'download', '-r', runId, '-a', 'model', '-d', dst])).trim();
    expect(await readFile(path.join(printed, 'nested', 'conf.json'), 'utf8')).toBe('{"a":1}');
    expect((await readFile(path.join(printed, 'weights.bin'))).length).toBe(1500);
    const single = (await fx.cli(['artifacts', 'download', '-r', runId, '-a', 'single.txt', '-d', dst])).trim();
    expect(await readFile(single, 'utf8')).toBe('one');
  });

  it('a missing local path is a one-line user error', async () => {
    const r = await fx.run(['artifacts', 'log', '-r', runId, '-l', path.join(fx.dir, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: .*nope.*\n$/);
  });

  it('draws no progress bar when stderr is not a terminal', async () => {
    await writeFile(path.join(fx.dir, 'big.bin'), Buffer.alloc(9 * 1024 * 1024));
    const r = await fx.run(['artifacts', 'log', '-r', runId, '-l', path.join(fx.dir, 'big.bin')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});
