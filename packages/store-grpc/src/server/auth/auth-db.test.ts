/**
 * MLflow's basic-auth database and werkzeug's password hashes: a database MLflow 3.6 made
 * (test/fixtures/mlflow3-auth/basic_auth.db, after the recorded client flow) opens, its passwords
 * verify, and what we write MLflow's schema holds.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_DB_REVISION, openAuthDb } from './auth-db.js';
import { hashPassword, verifyPassword } from './passwords.js';

const fixture = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../test/fixtures/mlflow3-auth/basic_auth.db',
);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'auth-db-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('werkzeug password hashes', () => {
  it('verifies its own scrypt hashes and refuses other passwords', async () => {
    const h = await hashPassword('correct horse');
    expect(h).toMatch(/^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/);
    expect(await verifyPassword('correct horse', h)).toBe(true);
    expect(await verifyPassword('correct horsf', h)).toBe(false);
  });

  it("verifies a pbkdf2 hash (werkzeug's older method) and refuses unreadable or too costly ones", async () => {
    // werkzeug.security.generate_password_hash('pw-12345678', 'pbkdf2:sha256:1000', salt_length=8) with salt 'abcdefgh'
    const { pbkdf2Sync } = await import('node:crypto');
    const hex = pbkdf2Sync('pw-12345678', 'abcdefgh', 1000, 32, 'sha256').toString('hex');
    expect(await verifyPassword('pw-12345678', `pbkdf2:sha256:1000$abcdefgh$${hex}`)).toBe(true);
    expect(await verifyPassword('pw-12345678', 'md5$x$00')).toBe(false);
    expect(await verifyPassword('pw-12345678', `scrypt:1073741824:8:1$abcdefgh$${hex}`)).toBe(false);
    expect(await verifyPassword('pw-12345678', 'no-dollars')).toBe(false);
  });
});

describe('an MLflow-made basic_auth.db', () => {
  it('opens at its revision with its users, and their passwords verify', async () => {
    const file = path.join(dir, 'copy.db');
    await copyFile(fixture, file);
    const db = openAuthDb(`sqlite:///${file}`);
    const admin = db.getUser('admin')!;
    expect(admin).toMatchObject({ id: 1, is_admin: true });
    expect(await verifyPassword('password1234', admin.password_hash)).toBe(true);
    const alice = db.getUser('alice')!;
    expect(alice.is_admin).toBe(false);
    expect(await verifyPassword('alice-password-2', alice.password_hash)).toBe(true); // after update_user_password
    expect(db.getUser('bob')).toBeUndefined(); // deleted in the recorded flow
    db.close();
  });

  it("writes rows MLflow's schema accepts, and keeps the alembic revision", async () => {
    const file = path.join(dir, 'ours.db');
    const db = openAuthDb(file);
    const u = db.createUser('carol', await hashPassword('carol-password'), false);
    db.setExperimentPermission('7', u.id, 'EDIT', 'create');
    db.setRegisteredModelPermission('m', u.id, 'MANAGE', 'create');
    expect(() => db.setExperimentPermission('7', u.id, 'EDIT', 'create')).toThrow(/already exists/);
    expect(() => db.setExperimentPermission('7', u.id, 'WRITE' as never, 'update')).toThrow(
      /Invalid permission 'WRITE'/,
    );
    db.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT version_num FROM alembic_version_auth').get()).toEqual({
      version_num: AUTH_DB_REVISION,
    });
    expect(raw.prepare('SELECT experiment_id, user_id, permission FROM experiment_permissions').all()).toEqual([
      { experiment_id: '7', user_id: u.id, permission: 'EDIT' },
    ]);
    expect(raw.prepare('SELECT name, permission FROM registered_model_permissions').all()).toEqual([
      { name: 'm', permission: 'MANAGE' },
    ]);
    raw.close();
  });

  it('refuses a database at another alembic revision, naming both', async () => {
    const file = path.join(dir, 'old.db');
    await copyFile(fixture, file);
    const raw = new Database(file);
    raw.prepare('UPDATE alembic_version_auth SET version_num = ?').run('8606fa83a998');
    raw.close();
    expect(() => openAuthDb(file)).toThrow(/revision 8606fa83a998; this server reads 0965eb92f5f0/);
  });

  it('revocable tokens: stored as digests, usable until revoked', () => {
    const db = openAuthDb(':memory:');
    const u = db.createUser('dave', 'x', false);
    const { token, info } = db.createToken(u.id, 'ci');
    expect(db.userOfToken(token)?.username).toBe('dave');
    expect(db.userOfToken(`${token}x`)).toBeUndefined();
    db.revokeToken(u.id, info.id);
    expect(db.userOfToken(token)).toBeUndefined();
    expect(db.listTokens(u.id)).toEqual([
      { id: info.id, name: 'ci', created_at: info.created_at, revoked_at: expect.any(Number) },
    ]);
    expect(() => db.revokeToken(u.id, info.id)).toThrow(/not found/);
    db.close();
  });
});
