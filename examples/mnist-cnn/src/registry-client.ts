/**
 * A client that can reach the model registry of a `file` tracking URI. Until the client's default
 * `file` factory carries the store-fs registry itself, it is added here from
 * `createFsRegistryStore` when store-fs exports it.
 */
import { MlflowClient, localPathOfUri, uriScheme } from '@mlflow-ts/client';
import type { ModelRegistryStore, TrackingStore } from '@mlflow-ts/format';

type RegistryFactory = (opts: { root: string; trackingStore?: Pick<TrackingStore, 'getRun'> }) => ModelRegistryStore;

/** A client with a registry for `trackingUri`, or undefined when none can be had. */
export async function registryClient(trackingUri: string): Promise<MlflowClient | undefined> {
  const base = new MlflowClient({ trackingUri });
  const stores = await base.stores();
  if (stores.registry) return base;
  if (uriScheme(trackingUri) !== 'file') return undefined;
  const storeFs = (await import('@mlflow-ts/store-fs')) as Record<string, unknown>;
  const create = storeFs.createFsRegistryStore as RegistryFactory | undefined;
  if (typeof create !== 'function') return undefined;
  const registry = create({ root: localPathOfUri(trackingUri), trackingStore: stores.tracking });
  return new MlflowClient({ trackingUri, stores: { ...stores, registry } });
}
