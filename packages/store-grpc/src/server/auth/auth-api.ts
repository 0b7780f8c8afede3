/**
 * MLflow's auth REST API (mlflow/server/auth/routes.py), so MLflow's `AuthServiceClient`
 * (`mlflow.server.get_app_client("basic-auth")`) manages our users and permissions, plus our
 * revocable access tokens under `/api/2.0/mlflow-ts/tokens/`. Only admins create, promote and
 * delete users; a user reads and re-passwords only themselves; permission changes need MANAGE.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MlflowError } from '@mlflow-ts/format';
import { checkPasswordStrength, type Principal } from '../auth.js';
import { sendError } from '../rest-api.js';
import type { HandlerContext } from '../handler-context.js';
import type { UserRow } from './auth-db.js';
import type { Authorizer } from './authorization.js';
import { grants, type PermissionName } from './permissions.js';
import { hashPassword } from './passwords.js';

export interface AuthApiOptions {
  ctx: HandlerContext;
  authorizer: Authorizer;
  principalOf(request: FastifyRequest): Principal | undefined;
}

type Params = Record<string, unknown>;

function param(p: Params, name: string): string {
  const v = p[name];
  if (typeof v !== 'string' || v === '')
    throw MlflowError.invalidParameter(`Missing value for required parameter '${name}'.`);
  return v;
}

function paramsOf(request: FastifyRequest): Params {
  if (request.method === 'GET') return (request.query ?? {}) as Params;
  const body = request.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) return body as Params;
  if (typeof body !== 'string' || body.trim() === '') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Params;
  } catch {
    throw new MlflowError('BAD_REQUEST', 'The request body must be a JSON object');
  }
}

export async function authApi(app: FastifyInstance, opts: AuthApiOptions): Promise<void> {
  const { authorizer } = opts;
  const db = authorizer.db;

  const userJson = (u: UserRow) => ({
    experiment_permissions: db.experimentPermissions(u.id),
    id: u.id,
    is_admin: u.is_admin,
    registered_model_permissions: db.registeredModelPermissions(u.id),
    scorer_permissions: [],
    username: u.username,
  });
  const mustUser = (username: string): UserRow => {
    const u = db.getUser(username);
    if (!u) throw MlflowError.notFound(`User with username=${username} not found`);
    return u;
  };
  const caller = (request: FastifyRequest): Principal => {
    const p = opts.principalOf(request);
    if (!p) throw new MlflowError('UNAUTHENTICATED', 'You are not authenticated.');
    return p;
  };
  const isAdmin = (p: Principal) => p.admin && !p.readOnly;
  const requireAdmin = (p: Principal) => {
    if (!isAdmin(p))
      throw new MlflowError('PERMISSION_DENIED', `Permission denied: only admins may do this (user '${p.name}')`);
  };
  const requireSelfOrAdmin = (p: Principal, username: string) => {
    if (!isAdmin(p) && p.name !== username)
      throw new MlflowError(
        'PERMISSION_DENIED',
        `Permission denied: user '${p.name}' may not act on user '${username}'`,
      );
  };
  const requireManage = (p: Principal, granted: (userId: number) => PermissionName, what: string) => {
    if (isAdmin(p)) return;
    if (p.kind !== 'user' || !grants(granted(p.userId!), 'manage'))
      throw new MlflowError('PERMISSION_DENIED', `Permission denied: user '${p.name}' may not manage ${what}`);
  };

  const route = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    handle: (p: Params, who: Principal) => Promise<object> | object,
  ) => {
    for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow']) {
      app.route({
        method,
        url: prefix + path,
        handler: async (request: FastifyRequest, reply: FastifyReply) => {
          try {
            const result = await handle(paramsOf(request), caller(request));
            return reply.type('application/json').send(JSON.stringify(result));
          } catch (e) {
            return sendError(reply, e);
          }
        },
      });
    }
  };

  route('POST', '/users/create', async (p, who) => {
    requireAdmin(who);
    const username = param(p, 'username');
    const password = param(p, 'password');
    if (username.length > 255 || username.includes(':'))
      throw MlflowError.invalidParameter(`Invalid username '${username}'`);
    checkPasswordStrength(password, `user '${username}'`);
    return { user: userJson(db.createUser(username, await hashPassword(password), false)) };
  });
  route('GET', '/users/get', (p, who) => {
    const username = param(p, 'username');
    requireSelfOrAdmin(who, username);
    return { user: userJson(mustUser(username)) };
  });
  route('PATCH', '/users/update-password', async (p, who) => {
    const username = param(p, 'username');
    requireSelfOrAdmin(who, username);
    const password = param(p, 'password');
    checkPasswordStrength(password, `user '${username}'`);
    mustUser(username);
    db.updatePasswordHash(username, await hashPassword(password));
    return {};
  });
  route('PATCH', '/users/update-admin', (p, who) => {
    requireAdmin(who);
    const value = p.is_admin;
    const isAdmin = value === true || value === 'true' || value === 'True';
    if (!isAdmin && !(value === false || value === 'false' || value === 'False'))
      throw MlflowError.invalidParameter("Missing value for required parameter 'is_admin'.");
    db.updateAdmin(param(p, 'username'), isAdmin);
    return {};
  });
  route('DELETE', '/users/delete', (p, who) => {
    requireAdmin(who);
    const username = param(p, 'username');
    if (username === who.name) throw MlflowError.invalidParameter('An admin cannot delete their own user');
    db.deleteUser(username);
    return {};
  });

  /**
   * MLflow's four permission routes for one kind of resource (experiments by id, registered models
   * by name): each needs MANAGE on the resource, which must exist.
   */
  interface PermissionResource {
    path: string;
    key: string;
    responseKey: string;
    label: (id: string) => string;
    exists: (id: string) => Promise<unknown>;
    granted: (userId: number, id: string) => PermissionName;
    get: (id: string, userId: number) => object | undefined;
    set: (id: string, userId: number, permission: PermissionName, mode: 'create' | 'update') => void;
    remove: (id: string, userId: number) => void;
  }
  const permissionRoutes = (r: PermissionResource) => {
    const target = async (p: Params, who: Principal) => {
      const id = param(p, r.key);
      await r.exists(id); // RESOURCE_DOES_NOT_EXIST for an unknown resource
      requireManage(who, (u) => r.granted(u, id), r.label(id));
      return { id, user: mustUser(param(p, 'username')) };
    };
    route('POST', `${r.path}/create`, async (p, who) => {
      const { id, user } = await target(p, who);
      r.set(id, user.id, param(p, 'permission') as PermissionName, 'create');
      return { [r.responseKey]: r.get(id, user.id) };
    });
    route('GET', `${r.path}/get`, async (p, who) => {
      const { id, user } = await target(p, who);
      const perm = r.get(id, user.id);
      if (!perm) throw MlflowError.notFound(`Permission on ${r.label(id)} for username=${user.username} not found`);
      return { [r.responseKey]: perm };
    });
    route('PATCH', `${r.path}/update`, async (p, who) => {
      const { id, user } = await target(p, who);
      r.set(id, user.id, param(p, 'permission') as PermissionName, 'update');
      return {};
    });
    route('DELETE', `${r.path}/delete`, async (p, who) => {
      const { id, user } = await target(p, who);
      r.remove(id, user.id);
      return {};
    });
  };
  permissionRoutes({
    path: '/experiments/permissions',
    key: 'experiment_id',
    responseKey: 'experiment_permission',
    label: (id) => `experiment ${id}`,
    exists: (id) => opts.ctx.tracking.getExperiment(id),
    granted: (u, id) => authorizer.experimentPermission(u, id),
    get: (id, u) => db.experimentPermission(id, u),
    set: (id, u, perm, mode) => db.setExperimentPermission(id, u, perm, mode),
    remove: (id, u) => db.deleteExperimentPermission(id, u),
  });
  permissionRoutes({
    path: '/registered-models/permissions',
    key: 'name',
    responseKey: 'registered_model_permission',
    label: (name) => `registered model '${name}'`,
    exists: async (name) => {
      if (!opts.ctx.registry) throw new MlflowError('FEATURE_DISABLED', 'This server has no model registry');
      return opts.ctx.registry.getRegisteredModel(name);
    },
    granted: (u, name) => authorizer.modelPermission(u, name),
    get: (name, u) => db.registeredModelPermission(name, u),
    set: (name, u, perm, mode) => db.setRegisteredModelPermission(name, u, perm, mode),
    remove: (name, u) => db.deleteRegisteredModelPermission(name, u),
  });

  // Our revocable bearer tokens: a database user makes and revokes their own.
  const tokenOwner = (who: Principal): number => {
    if (who.kind !== 'user' || who.userId === undefined)
      throw MlflowError.invalidParameter('Access tokens belong to database users; sign in as one');
    return who.userId;
  };
  app.post('/api/2.0/mlflow-ts/tokens/create', async (request, reply) => {
    try {
      const p = paramsOf(request);
      const name = typeof p.name === 'string' && p.name !== '' ? p.name.slice(0, 255) : 'token';
      const { token, info } = db.createToken(tokenOwner(caller(request)), name);
      return reply.type('application/json').send(JSON.stringify({ token, access_token: info }));
    } catch (e) {
      return sendError(reply, e);
    }
  });
  app.get('/api/2.0/mlflow-ts/tokens/list', async (request, reply) => {
    try {
      return reply
        .type('application/json')
        .send(JSON.stringify({ access_tokens: db.listTokens(tokenOwner(caller(request))) }));
    } catch (e) {
      return sendError(reply, e);
    }
  });
  app.post('/api/2.0/mlflow-ts/tokens/revoke', async (request, reply) => {
    try {
      const id = Number(paramsOf(request).id);
      if (!Number.isInteger(id)) throw MlflowError.invalidParameter("Missing value for required parameter 'id'.");
      db.revokeToken(tokenOwner(caller(request)), id);
      return reply.type('application/json').send('{}');
    } catch (e) {
      return sendError(reply, e);
    }
  });
}
