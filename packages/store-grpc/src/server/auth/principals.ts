/** The principal of each authenticated HTTP request, kept from the auth hook to the handlers. */
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth.js';

const principals = new WeakMap<IncomingMessage, Principal>();

export function setPrincipal(request: IncomingMessage, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOf(request: IncomingMessage): Principal | undefined {
  return principals.get(request);
}
