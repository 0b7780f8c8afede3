/** `mlflow-ts server` auth flags: weak credentials refused before anything listens; --auth-db users. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess } from '../../../test/cli-harness.js';
import { runServer, type ServerCommandOptions } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlflow-ts-cli-auth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = (): ServerCommandOptions => ({
  backendStoreUri: join(dir, 'mlruns'),
  artifactsDestination: join(dir, 'mlartifacts'),
  serveArtifacts: true,
  host: '127.0.0.1',
  port: 0,
});

describe('auth flags', () => {
  it.each([[''], ['   '], ['short-token']])('refuses --auth-token %j (an unset variable is no auth)', async (token) => {
    await expect(
      runServer({ print: () => {} }, { ...base(), authToken: [token] }, new AbortController().signal),
    ).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/at least 16 characters/),
    });
  });

  it('refuses a short --auth-user password and an --auth-db without any admin', async () => {
    await expect(
      runServer({ print: () => {} }, { ...base(), authUser: ['ann:short'] }, new AbortController().signal),
    ).rejects.toMatchObject({ message: expect.stringMatching(/shorter than 8 characters/) });
    await expect(
      runServer({ print: () => {} }, { ...base(), authDb: join(dir, 'empty.db') }, new AbortController().signal),
    ).rejects.toMatchObject({ message: expect.stringMatching(/has no admin user/) });
  });

  it('--auth-db with --auth-admin: the admin signs in, strangers get 401', async () => {
    const srv = await startInProcess((ctx, signal) =>
      runServer(
        ctx,
        { ...base(), authDb: `sqlite:///${join(dir, 'auth.db')}`, authAdmin: 'root:root-password' },
        signal,
      ),
    );
    try {
      const url = srv.url;
      const get = (authorization?: string) =>
        fetch(`${url}/api/2.0/mlflow/users/get?username=root`, { headers: authorization ? { authorization } : {} });
      expect((await get()).status).toBe(401);
      expect((await get(`Basic ${Buffer.from('root:wrong-password').toString('base64')}`)).status).toBe(401);
      const ok = await get(`Basic ${Buffer.from('root:root-password').toString('base64')}`);
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { user: { is_admin: boolean } }).user.is_admin).toBe(true);
    } finally {
      await srv.stop();
    }
  });
});
