/** `mlflow-ts server`: a real server over a temp mlruns store, REST and gRPC, then graceful stop. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcStore, createRestStore } from '@mlflow-ts/store-grpc';
import { main } from '../../main.js';
import { captureIo, startInProcess } from '../../../test/cli-harness.js';
import { runServer, serverCommand } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-cli-server-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const capture = () => captureIo();

describe('runServer', () => {
  it('serves REST and gRPC over a file store, proxies artifacts, and stops on abort', async () => {
    const backend = join(dir, 'mlruns');
    const destination = join(dir, 'mlartifacts');
    const srv = await startInProcess((ctx, signal) =>
      runServer(
        ctx,
        {
          backendStoreUri: backend,
          artifactsDestination: destination,
          serveArtifacts: true,
          host: '127.0.0.1',
          port: 0,
          grpcPort: 0,
        },
        signal,
      ),
    );
    const m = /http:\/\/127\.0\.0\.1:(\d+) \(gRPC 127\.0\.0\.1:(\d+)\)/.exec(srv.lines[0]!);
    expect(m).not.toBeNull();

    const rest = createRestStore({ baseUrl: `http://127.0.0.1:${m![1]}` });
    const id = await rest.tracking.createExperiment({ name: 'cli-server' });
    const exp = await rest.tracking.getExperiment(id);
    expect(exp.artifact_location).toBe(`mlflow-artifacts:/${id}`);
    expect(existsSync(join(backend, id, 'meta.yaml'))).toBe(true);

    const run = await rest.tracking.createRun({ experiment_id: id });
    await rest.artifacts(run.info.artifact_uri).writeArtifact('notes.txt', new TextEncoder().encode('hi'));
    expect(await readFile(join(destination, id, run.info.run_id, 'artifacts', 'notes.txt'), 'utf8')).toBe('hi');

    const grpcStore = createGrpcStore({ address: `127.0.0.1:${m![2]}` });
    expect((await grpcStore.tracking.getRun(run.info.run_id)).info.experiment_id).toBe(id);
    await grpcStore.close();

    await srv.stop();
    await expect(fetch(`http://127.0.0.1:${m![1]}/health`)).rejects.toThrow();
  });
});

describe('serverCommand', () => {
  it('refuses a public host without auth (one line, exit 1)', async () => {
    const c = capture();
    const code = await main(
      ['node', 'mlflow-ts', 'server', '--backend-store-uri', join(dir, 'other'), '--host', '0.0.0.0', '--port', '0'],
      { io: c.io, groups: [serverCommand] },
    );
    expect(code).toBe(1);
    expect(c.err.join('')).toMatch(/non-loopback host '0\.0\.0\.0' without auth/);
  });

  it('rejects a bad port', async () => {
    const c = capture();
    const code = await main(['node', 'mlflow-ts', 'server', '--port', 'abc'], { io: c.io, groups: [serverCommand] });
    expect(code).not.toBe(0);
    expect(c.err.join('')).toContain('--port must be a port number');
  });
});

describe('security options (MLflow 3 flag names)', () => {
  it('parses --allowed-hosts, --cors-allowed-origins, --disable-security-middleware and --x-frame-options', async () => {
    const c = capture();
    const cmd = serverCommand({ io: c.io } as unknown as Parameters<typeof serverCommand>[0]).action(() => undefined);
    await cmd.parseAsync(
      [
        '--allowed-hosts',
        'mlflow.example.com, 10.0.0.5:5000',
        '--cors-allowed-origins',
        'https://app.example',
        '--x-frame-options',
        'DENY',
      ],
      { from: 'user' },
    );
    expect(cmd.opts()).toMatchObject({
      allowedHosts: ['mlflow.example.com', '10.0.0.5:5000'],
      corsAllowedOrigins: ['https://app.example'],
      xFrameOptions: 'DENY',
    });
    expect(cmd.opts().disableSecurityMiddleware).toBeUndefined();
  });

  it('runServer with allowedHosts refuses other Host headers with 403', async () => {
    const srv = await startInProcess((ctx, signal) =>
      runServer(
        ctx,
        {
          backendStoreUri: join(dir, 'hosts'),
          artifactsDestination: join(dir, 'hosts-art'),
          serveArtifacts: true,
          host: '127.0.0.1',
          port: 0,
          allowedHosts: ['127.0.0.1:*'],
        },
        signal,
      ),
    );
    try {
      const base = srv.url;
      expect((await fetch(`${base}/api/2.0/mlflow/experiments/search`)).status).toBe(200);
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const url = new URL(base);
        request(
          {
            host: url.hostname,
            port: url.port,
            path: '/api/2.0/mlflow/experiments/search',
            headers: { host: 'localhost' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
          .on('error', reject)
          .end();
      });
      expect(status).toBe(403);
    } finally {
      await srv.stop();
    }
  });
});
