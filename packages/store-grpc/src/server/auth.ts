/**
 * Optional authentication: bearer tokens and/or basic-auth users, from the command line or from
 * MLflow's basic-auth user database. Deny by default: every route and RPC needs credentials once
 * `auth` is set (only `/health` stays open). Comparisons hash both sides first so they run in
 * constant time whatever the lengths. Credentials too weak to protect anything are refused at start.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { MlflowError } from '@mlflow-ts/format';
import type { AuthDb } from './auth/auth-db.js';
import type { PermissionName } from './auth/permissions.js';
import { verifyPassword } from './auth/passwords.js';

export interface AuthUser {
  username: string;
  password: string;
  admin?: boolean;
  /** Read-only users get 403 PERMISSION_DENIED on every write. */
  readOnly?: boolean;
}

export interface AuthOptions {
  tokens?: string[];
  users?: AuthUser[];
  /**
   * MLflow's basic-auth database (`users`, `experiment_permissions`, `registered_model_permissions`):
   * a path or `sqlite:///path`. Its users get MLflow's per-experiment and per-model permissions and
   * the auth REST API (`/api/2.0/mlflow/users/...`) is served.
   */
  database?: string;
  /** Ensures this admin exists in `database` at start (MLflow's `admin_username` / `admin_password`). */
  admin?: { username: string; password: string };
  /** Permission of a database user on a resource with no permission row; MLflow's default is READ. */
  defaultPermission?: PermissionName;
}

/**
 * Who is calling. `static`: a command-line token or user (full access, or reads only); `user`: a
 * database user, authorised per resource unless an admin.
 */
export interface Principal {
  name: string;
  readOnly: boolean;
  kind: 'static' | 'user';
  admin: boolean;
  userId?: number;
}

export const WWW_AUTHENTICATE = 'Basic realm="mlflow"';

/** Shortest token and password accepted: an empty `--auth-token "$UNSET"` must not count as auth. */
export const MIN_TOKEN_LENGTH = 16;
export const MIN_PASSWORD_LENGTH = 8;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function checkPasswordStrength(password: string, who: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw MlflowError.invalidParameter(`The password of ${who} is shorter than ${MIN_PASSWORD_LENGTH} characters`);
  }
}

/** Refuses empty, short or malformed static credentials before the server starts. */
export function checkAuthOptions(auth: AuthOptions): void {
  for (const t of auth.tokens ?? []) {
    if (t.trim().length < MIN_TOKEN_LENGTH) {
      throw MlflowError.invalidParameter(
        `An auth token must be at least ${MIN_TOKEN_LENGTH} characters (got ${t.trim().length}); is the variable that holds it set?`,
      );
    }
  }
  for (const u of auth.users ?? []) {
    if (u.username === '' || u.username.includes(':'))
      throw MlflowError.invalidParameter(`Invalid auth user name '${u.username}'`);
    checkPasswordStrength(u.password, `auth user '${u.username}'`);
  }
  if (auth.admin) {
    if (!auth.database) throw MlflowError.invalidParameter('An auth admin needs an auth database (--auth-db)');
    checkPasswordStrength(auth.admin.password, `admin '${auth.admin.username}'`);
  }
}

export function hasAnyAuth(auth: AuthOptions | undefined): boolean {
  return !!auth && ((auth.tokens?.length ?? 0) > 0 || (auth.users?.length ?? 0) > 0 || auth.database !== undefined);
}

export type Authenticator = (authorization: string | undefined) => Promise<Principal | null>;

/** Verified (user, password, stored hash) triples: scrypt costs ~0.1 s, so each is paid once, not per request. */
const VERIFIED_LIMIT = 1024;

/** Returns the principal for an `Authorization` header value, or null when it does not authenticate. */
export function createAuthenticator(auth: AuthOptions, db?: AuthDb): Authenticator {
  const tokens = auth.tokens ?? [];
  const users = auth.users ?? [];
  const verified = new Set<string>();
  const remember = (key: string) => {
    if (verified.size >= VERIFIED_LIMIT) verified.delete(verified.values().next().value as string);
    verified.add(key);
  };
  return async (authorization) => {
    if (!authorization) return null;
    const [scheme, ...rest] = authorization.trim().split(/\s+/);
    const value = rest.join(' ');
    if (/^bearer$/i.test(scheme ?? '')) {
      if (value === '') return null;
      let ok = false;
      for (const t of tokens) ok = same(t, value) || ok;
      if (ok) return { name: 'token', readOnly: false, kind: 'static', admin: true };
      const user = db?.userOfToken(value);
      return user
        ? { name: user.username, readOnly: false, kind: 'user', admin: user.is_admin, userId: user.id }
        : null;
    }
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const username = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      let found: AuthUser | undefined;
      for (const u of users) if (same(u.username, username) && same(u.password, password)) found = u;
      if (found)
        return {
          name: found.username,
          readOnly: !found.admin && !!found.readOnly,
          kind: 'static',
          admin: !!found.admin || !found.readOnly,
        };
      const user = db?.getUser(username);
      if (!user?.password_hash) return null;
      const key = digest(`${username}\0${password}\0${user.password_hash}`).toString('hex');
      if (!verified.has(key)) {
        if (!(await verifyPassword(password, user.password_hash))) return null;
        remember(key);
      }
      return { name: user.username, readOnly: false, kind: 'user', admin: user.is_admin, userId: user.id };
    }
    return null;
  };
}
