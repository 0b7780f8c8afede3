/** Every RPC's handler, keyed like `RPC_ROUTES`. */
import type { RpcName } from '../protocol/rpc-routes.js';
import type { Handler } from './handler-context.js';
import { LOGGED_MODEL_HANDLERS } from './logged-model-handlers.js';
import { REGISTRY_HANDLERS } from './registry-handlers.js';
import { TRACKING_HANDLERS } from './tracking-handlers.js';

export const RPC_HANDLERS = { ...TRACKING_HANDLERS, ...LOGGED_MODEL_HANDLERS, ...REGISTRY_HANDLERS } as Record<
  RpcName,
  Handler
>;
