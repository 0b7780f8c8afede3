/**
 * Users and permissions on MLflow's basic-auth database (mlflow/server/auth/db/models.py, at alembic
 * head `0965eb92f5f0`): the same SQLite file MLflow's `--app-name basic-auth` uses, so a team keeps
 * its users when it switches servers, either way. One table is ours (`mlflow_ts_access_tokens`:
 * revocable bearer tokens, stored as SHA-256 digests); MLflow ignores it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MlflowError } from '@mlflow-ts/format';
import { PERMISSION_NAMES, type PermissionName } from './permissions.js';

export const AUTH_DB_REVISION = '0965eb92f5f0';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alembic_version_auth (
  version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_auth_pkc PRIMARY KEY (version_num));
CREATE TABLE IF NOT EXISTS users (
  id INTEGER NOT NULL, username VARCHAR(255), password_hash VARCHAR(255), is_admin BOOLEAN,
  PRIMARY KEY (id), UNIQUE (username));
CREATE TABLE IF NOT EXISTS experiment_permissions (
  id INTEGER NOT NULL, experiment_id VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_experiment_user UNIQUE (experiment_id, user_id));
CREATE TABLE IF NOT EXISTS registered_model_permissions (
  id INTEGER NOT NULL, name VARCHAR(255) NOT NULL, user_id INTEGER NOT NULL, permission VARCHAR(255),
  PRIMARY KEY (id), CONSTRAINT fk_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_name_user UNIQUE (name, user_id));
CREATE TABLE IF NOT EXISTS scorer_permissions (
  id INTEGER NOT NULL, experiment_id VARCHAR(255) NOT NULL, scorer_name VARCHAR(256) NOT NULL, user_id INTEGER NOT NULL,
  permission VARCHAR(255), PRIMARY KEY (id), CONSTRAINT fk_scorer_perm_user_id FOREIGN KEY(user_id) REFERENCES users (id),
  CONSTRAINT unique_scorer_user UNIQUE (experiment_id, scorer_name, user_id));
CREATE TABLE IF NOT EXISTS mlflow_ts_access_tokens (
  id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), name VARCHAR(255) NOT NULL,
  token_sha256 CHAR(64) NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);
`;

export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_admin: boolean;
}

export interface ExperimentPermission {
  experiment_id: string;
  user_id: number;
  permission: PermissionName;
}

export interface RegisteredModelPermission {
  name: string;
  user_id: number;
  permission: PermissionName;
}

export interface AccessToken {
  id: number;
  name: string;
  created_at: number;
  revoked_at?: number;
}

export interface AuthDb {
  getUser(username: string): UserRow | undefined;
  getUserById(id: number): UserRow | undefined;
  hasAdmin(): boolean;
  createUser(username: string, passwordHash: string, isAdmin: boolean): UserRow;
  updatePasswordHash(username: string, passwordHash: string): void;
  updateAdmin(username: string, isAdmin: boolean): void;
  deleteUser(username: string): void;
  experimentPermissions(userId: number): ExperimentPermission[];
  registeredModelPermissions(userId: number): RegisteredModelPermission[];
  experimentPermission(experimentId: string, userId: number): ExperimentPermission | undefined;
  registeredModelPermission(name: string, userId: number): RegisteredModelPermission | undefined;
  setExperimentPermission(
    experimentId: string,
    userId: number,
    permission: PermissionName,
    mode: 'create' | 'update',
  ): void;
  deleteExperimentPermission(experimentId: string, userId: number): void;
  setRegisteredModelPermission(
    name: string,
    userId: number,
    permission: PermissionName,
    mode: 'create' | 'update',
  ): void;
  deleteRegisteredModelPermission(name: string, userId: number): void;
  renameRegisteredModelPermissions(oldName: string, newName: string): void;
  deleteRegisteredModelPermissionsOf(name: string): void;
  /** A new token for the user; the plain value is returned once and never stored. */
  createToken(userId: number, name: string): { token: string; info: AccessToken };
  listTokens(userId: number): AccessToken[];
  revokeToken(userId: number, id: number): void;
  userOfToken(token: string): UserRow | undefined;
  close(): void;
}

/** `sqlite:///path`, `sqlite:////abs/path` or a plain path → the file path. */
export function authDbPath(uri: string): string {
  if (uri.startsWith('sqlite:///')) return uri.slice('sqlite:///'.length).replace(/^\/+/, '/') || uri;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw MlflowError.invalidParameter(`Unsupported auth database URI '${uri}': use a path or sqlite:///path`);
  }
  return uri;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function checkPermission(p: string): PermissionName {
  if (!(PERMISSION_NAMES as readonly string[]).includes(p)) {
    throw MlflowError.invalidParameter(
      `Invalid permission '${p}'. Valid permissions are: ${PERMISSION_NAMES.join(', ')}`,
    );
  }
  return p as PermissionName;
}

export function openAuthDb(uri: string): AuthDb {
  const file = authDbPath(uri);
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // an acknowledged user or permission change survives a power loss
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const revision = db.prepare('SELECT version_num FROM alembic_version_auth').get() as
    | { version_num: string }
    | undefined;
  if (!revision) db.prepare('INSERT INTO alembic_version_auth (version_num) VALUES (?)').run(AUTH_DB_REVISION);
  else if (revision.version_num !== AUTH_DB_REVISION) {
    db.close();
    throw MlflowError.invalidParameter(
      `The auth database '${file}' is at revision ${revision.version_num}; this server reads ${AUTH_DB_REVISION} (MLflow 3.6). Upgrade it with MLflow's 'mlflow db upgrade' for the auth app first.`,
    );
  }
  const row = (r: unknown): UserRow | undefined => {
    if (!r) return undefined;
    const u = r as { id: number; username: string; password_hash: string; is_admin: number };
    return { id: u.id, username: u.username, password_hash: u.password_hash, is_admin: !!u.is_admin };
  };
  /** The two per-resource permission tables (names are ours, never input) and MLflow's messages. */
  const TABLES = {
    experiment: {
      table: 'experiment_permissions',
      key: 'experiment_id',
      exists: `Experiment permission (experiment_id=%k, user_id=%u) already exists`,
      missing: `Experiment permission with experiment_id=%k and user_id=%u not found`,
    },
    model: {
      table: 'registered_model_permissions',
      key: 'name',
      exists: `Registered model permission (name=%k, user_id=%u) already exists`,
      missing: `Registered model permission with name=%k and user_id=%u not found`,
    },
  } as const;
  type Kind = keyof typeof TABLES;
  const say = (template: string, key: string, userId: number) =>
    template.replace('%k', key).replace('%u', String(userId));
  /** MLflow's create (must be new) / update (must exist) of one (resource, user) permission. */
  const setPermission = (kind: Kind, key: string, userId: number, permission: string, mode: 'create' | 'update') => {
    checkPermission(permission);
    const t = TABLES[kind];
    const exists =
      db.prepare(`SELECT 1 FROM ${t.table} WHERE ${t.key} = ? AND user_id = ?`).get(key, userId) !== undefined;
    if (mode === 'create' && exists) throw MlflowError.alreadyExists(say(t.exists, key, userId));
    if (mode === 'update' && !exists) throw MlflowError.notFound(say(t.missing, key, userId));
    if (exists)
      db.prepare(`UPDATE ${t.table} SET permission = ? WHERE ${t.key} = ? AND user_id = ?`).run(
        permission,
        key,
        userId,
      );
    else
      db.prepare(`INSERT INTO ${t.table} (${t.key}, user_id, permission) VALUES (?, ?, ?)`).run(
        key,
        userId,
        permission,
      );
  };
  const deletePermission = (kind: Kind, key: string, userId: number) => {
    const t = TABLES[kind];
    const info = db.prepare(`DELETE FROM ${t.table} WHERE ${t.key} = ? AND user_id = ?`).run(key, userId);
    if (info.changes === 0) throw MlflowError.notFound(say(t.missing, key, userId));
  };
  const q = {
    user: db.prepare('SELECT * FROM users WHERE username = ?'),
    userById: db.prepare('SELECT * FROM users WHERE id = ?'),
    insertUser: db.prepare('INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)'),
    expPerms: db.prepare(
      'SELECT experiment_id, user_id, permission FROM experiment_permissions WHERE user_id = ? ORDER BY id',
    ),
    rmPerms: db.prepare(
      'SELECT name, user_id, permission FROM registered_model_permissions WHERE user_id = ? ORDER BY id',
    ),
    expPerm: db.prepare(
      'SELECT experiment_id, user_id, permission FROM experiment_permissions WHERE experiment_id = ? AND user_id = ?',
    ),
    rmPerm: db.prepare(
      'SELECT name, user_id, permission FROM registered_model_permissions WHERE name = ? AND user_id = ?',
    ),
  };
  const mustUser = (username: string): UserRow => {
    const u = row(q.user.get(username));
    if (!u) throw MlflowError.notFound(`User with username=${username} not found`);
    return u;
  };
  const tokenRow = (t: { id: number; name: string; created_at: number; revoked_at: number | null }): AccessToken =>
    t.revoked_at === null
      ? { id: t.id, name: t.name, created_at: t.created_at }
      : { id: t.id, name: t.name, created_at: t.created_at, revoked_at: t.revoked_at };

  return {
    getUser: (username) => row(q.user.get(username)),
    getUserById: (id) => row(q.userById.get(id)),
    hasAdmin: () => db.prepare('SELECT 1 FROM users WHERE is_admin = 1 LIMIT 1').get() !== undefined,
    createUser(username, passwordHash, isAdmin) {
      if (row(q.user.get(username))) throw MlflowError.alreadyExists(`User (name=${username}) already exists.`);
      const info = q.insertUser.run(username, passwordHash, isAdmin ? 1 : 0);
      return { id: Number(info.lastInsertRowid), username, password_hash: passwordHash, is_admin: isAdmin };
    },
    updatePasswordHash(username, passwordHash) {
      mustUser(username);
      db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(passwordHash, username);
    },
    updateAdmin(username, isAdmin) {
      mustUser(username);
      db.prepare('UPDATE users SET is_admin = ? WHERE username = ?').run(isAdmin ? 1 : 0, username);
    },
    deleteUser(username) {
      const u = mustUser(username);
      // Unlike MLflow 3.6 (which fails on the foreign key), a user goes with their permissions and tokens.
      db.transaction(() => {
        for (const t of [
          'experiment_permissions',
          'registered_model_permissions',
          'scorer_permissions',
          'mlflow_ts_access_tokens',
        ]) {
          db.prepare(`DELETE FROM ${t} WHERE user_id = ?`).run(u.id);
        }
        db.prepare('DELETE FROM users WHERE id = ?').run(u.id);
      })();
    },
    experimentPermissions: (userId) => q.expPerms.all(userId) as ExperimentPermission[],
    registeredModelPermissions: (userId) => q.rmPerms.all(userId) as RegisteredModelPermission[],
    experimentPermission: (experimentId, userId) =>
      q.expPerm.get(experimentId, userId) as ExperimentPermission | undefined,
    registeredModelPermission: (name, userId) => q.rmPerm.get(name, userId) as RegisteredModelPermission | undefined,
    setExperimentPermission: (experimentId, userId, permission, mode) =>
      setPermission('experiment', experimentId, userId, permission, mode),
    deleteExperimentPermission: (experimentId, userId) => deletePermission('experiment', experimentId, userId),
    setRegisteredModelPermission: (name, userId, permission, mode) =>
      setPermission('model', name, userId, permission, mode),
    deleteRegisteredModelPermission: (name, userId) => deletePermission('model', name, userId),
    renameRegisteredModelPermissions(oldName, newName) {
      db.prepare('UPDATE registered_model_permissions SET name = ? WHERE name = ?').run(newName, oldName);
    },
    deleteRegisteredModelPermissionsOf(name) {
      db.prepare('DELETE FROM registered_model_permissions WHERE name = ?').run(name);
    },
    createToken(userId, name) {
      const token = `mlflowts_${randomBytes(24).toString('base64url')}`;
      const created = Date.now();
      const info = db
        .prepare('INSERT INTO mlflow_ts_access_tokens (user_id, name, token_sha256, created_at) VALUES (?, ?, ?, ?)')
        .run(userId, name, sha256(token), created);
      return { token, info: { id: Number(info.lastInsertRowid), name, created_at: created } };
    },
    listTokens(userId) {
      return (
        db
          .prepare('SELECT id, name, created_at, revoked_at FROM mlflow_ts_access_tokens WHERE user_id = ? ORDER BY id')
          .all(userId) as Parameters<typeof tokenRow>[0][]
      ).map(tokenRow);
    },
    revokeToken(userId, id) {
      const info = db
        .prepare(
          'UPDATE mlflow_ts_access_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL',
        )
        .run(Date.now(), id, userId);
      if (info.changes === 0) throw MlflowError.notFound(`Access token ${id} not found (or already revoked)`);
    },
    userOfToken(token) {
      const t = db
        .prepare('SELECT user_id FROM mlflow_ts_access_tokens WHERE token_sha256 = ? AND revoked_at IS NULL')
        .get(sha256(token)) as { user_id: number } | undefined;
      return t ? row(q.userById.get(t.user_id)) : undefined;
    },
    close: () => db.close(),
  };
}
