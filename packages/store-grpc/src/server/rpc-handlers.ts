/** Every RPC's handler, keyed like `RPC_ROUTES`. */
import type { RpcName } from '../protocol/rpc-routes.js';
import type { Handler } from './handler-context.js';
import { REGISTRY_HANDLERS } from './registry-handlers.js';
import { TRACKING_HANDLERS } from './tracking-handlers.js';

export const RPC_HANDLERS = { ...TRACKING_HANDLERS, ...REGISTRY_HANDLERS } as Record<RpcName, Handler>;
