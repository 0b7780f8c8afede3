/**
 * Optional authentication: bearer tokens and/or basic-auth users. Deny by default: every route
 * and RPC needs credentials once `auth` is set (only `/health` stays open). Comparisons hash both
 * sides first so they run in constant time whatever the lengths.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

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
}

export interface Principal {
  name: string;
  readOnly: boolean;
}

export const WWW_AUTHENTICATE = 'Basic realm="mlflow"';

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

function same(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Returns the principal for an `Authorization` header value, or null when it does not authenticate. */
export function createAuthenticator(auth: AuthOptions): (authorization: string | undefined) => Principal | null {
  const tokens = auth.tokens ?? [];
  const users = auth.users ?? [];
  return (authorization) => {
    if (!authorization) return null;
    const [scheme, ...rest] = authorization.trim().split(/\s+/);
    const value = rest.join(' ');
    if (/^bearer$/i.test(scheme ?? '')) {
      let ok = false;
      for (const t of tokens) ok = same(t, value) || ok;
      return ok ? { name: 'token', readOnly: false } : null;
    }
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return null;
      const username = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      let found: AuthUser | undefined;
      for (const u of users) if (same(u.username, username) && same(u.password, password)) found = u;
      return found ? { name: found.username, readOnly: !found.admin && !!found.readOnly } : null;
    }
    return null;
  };
}
